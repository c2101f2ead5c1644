package stsxml

// Error is an STS error document (ErrorResponse, or a bare Error root), decoded.
type Error struct {
	// StatusCode is the HTTP status the document came with (0 when unknown).
	StatusCode int
	// Type is "Sender" or "Receiver" as STS writes it.
	Type string
	// Code is STS's error code, such as "AccessDenied" or "InvalidIdentityToken".
	Code string
	// Message is STS's message.
	Message string
	// RequestID is the request ID STS gave the failed request.
	RequestID string
}
