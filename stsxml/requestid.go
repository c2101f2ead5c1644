package stsxml

import (
	"net/http"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// RequestIDHeader is the response header in which STS repeats the request ID of the document.
const RequestIDHeader = "X-Amzn-Requestid"

// RequestIDFromHeader returns the request ID a response carries in its headers:
// x-amzn-RequestId as STS sends it, else x-amz-request-id as S3-compatible servers send it, else
// "". The decoders read the request ID from the body; a client uses this for responses whose
// body has none (an *Error with an empty RequestID, or see SetRequestIDFromHeader).
func RequestIDFromHeader(h http.Header) string {
	if id := h.Get(RequestIDHeader); id != "" {
		return id
	}
	return h.Get("X-Amz-Request-Id")
}

// SetRequestIDFromHeader records the request ID from the response headers h in md (a decoded
// output's ResultMetadata) when md has none yet, so that awsmiddleware.GetRequestIDMetadata
// finds it. A request ID from the document always wins.
func SetRequestIDFromHeader(md *middleware.Metadata, h http.Header) {
	if id, _ := awsmiddleware.GetRequestIDMetadata(*md); id != "" {
		return
	}
	if id := RequestIDFromHeader(h); id != "" {
		awsmiddleware.SetRequestIDMetadata(md, id)
	}
}
