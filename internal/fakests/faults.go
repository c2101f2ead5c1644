package fakests

import (
	"fmt"
	"net"
	"net/http"

	"github.com/irsa-go/irsa/stsxml"
)

// FaultKind says what an injected fault answers.
type FaultKind int

// The faults, each answering as STS (or a proxy in front of it) does.
const (
	// FaultNone answers normally.
	FaultNone FaultKind = iota
	// FaultThrottling answers 400 Throttling "Rate exceeded".
	FaultThrottling
	// FaultInternalFailure answers 500 InternalFailure.
	FaultInternalFailure
	// FaultServiceUnavailable answers 503 ServiceUnavailable.
	FaultServiceUnavailable
	// FaultIDPCommunicationError answers 400 IDPCommunicationError.
	FaultIDPCommunicationError
	// FaultVerificationKey answers 400 InvalidIdentityToken "Couldn't retrieve verification key
	// from your identity provider, …", as STS does when it cannot fetch the issuer's JWKS.
	FaultVerificationKey
	// FaultResetConnection drops the TCP connection (RST) without answering.
	FaultResetConnection
	// FaultTruncatedBody processes the call, then sends headers announcing the whole body and
	// only its first half before dropping the connection.
	FaultTruncatedBody
	// FaultHTMLBody answers 502 with an HTML page from a proxy instead of XML.
	FaultHTMLBody
)

// String returns the fault's name.
func (k FaultKind) String() string {
	names := []string{"None", "Throttling", "InternalFailure", "ServiceUnavailable", "IDPCommunicationError",
		"VerificationKey", "ResetConnection", "TruncatedBody", "HTMLBody"}
	if k >= 0 && int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault is an injected failure.
type Fault struct {
	// Kind says what to answer.
	Kind FaultKind
}

// msgVerificationKey is STS's message when it cannot fetch the issuer's signing keys.
const msgVerificationKey = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"

// error returns the STS error the fault answers with, if it is one.
func (f Fault) error() *stsxml.Error {
	switch f.Kind {
	case FaultThrottling:
		return stsError(http.StatusBadRequest, "Throttling", "Rate exceeded")
	case FaultInternalFailure:
		return stsError(http.StatusInternalServerError, "InternalFailure", "An internal error occurred. Try again.")
	case FaultServiceUnavailable:
		return stsError(http.StatusServiceUnavailable, "ServiceUnavailable", "Service is unable to handle request.")
	case FaultIDPCommunicationError:
		return stsError(http.StatusBadRequest, "IDPCommunicationError", "Couldn't communicate with the identity provider. Please try again.")
	case FaultVerificationKey:
		return stsError(http.StatusBadRequest, "InvalidIdentityToken", msgVerificationKey)
	}
	return nil
}

// send answers for the faults that break the HTTP exchange; a truncated answer has status and
// part of its body.
func (f Fault) send(w http.ResponseWriter, status int, part []byte) {
	if f.Kind == FaultHTMLBody {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = fmt.Fprint(w, "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n")
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	if f.Kind == FaultResetConnection {
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // RST instead of FIN
		}
		return
	}
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	_ = w.Header().Write(buf)
	fmt.Fprintf(buf, "\r\n%s", part)
	_ = buf.Flush()
}

// SetFaultFunc makes fn choose the fault of every call; fn sees the call's parameters before
// the call is processed and returns nil for none. nil removes it.
func (s *Server) SetFaultFunc(fn func(Call) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultFunc = fn
}

func (s *Server) nextFault(c Call) Fault {
	s.mu.Lock()
	fn := s.faultFunc
	s.mu.Unlock()
	if fn != nil {
		if f := fn(c); f != nil {
			return *f
		}
	}
	return Fault{}
}
