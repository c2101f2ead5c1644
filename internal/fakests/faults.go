package fakests

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/irsa-go/irsa/stsxml"
)

// FaultKind says what an injected fault does.
type FaultKind int

const (
	// FaultNone answers normally (after Fault.Latency, if any).
	FaultNone FaultKind = iota
	// FaultThrottling answers 400 Throttling "Rate exceeded".
	FaultThrottling
	// FaultInternalFailure answers 500 InternalFailure (Receiver).
	FaultInternalFailure
	// FaultServiceUnavailable answers 503 ServiceUnavailable (Receiver).
	FaultServiceUnavailable
	// FaultIDPCommunicationError answers 400 IDPCommunicationError.
	FaultIDPCommunicationError
	// FaultVerificationKey answers 400 InvalidIdentityToken "Couldn't retrieve verification key
	// from your identity provider, …", as STS does when it cannot fetch the issuer's JWKS.
	FaultVerificationKey
	// FaultResetConnection drops the TCP connection (RST) without answering; nothing is
	// processed.
	FaultResetConnection
	// FaultTruncatedBody processes the call, then sends the status line, headers with the full
	// Content-Length and only the first half of the body before dropping the connection.
	FaultTruncatedBody
	// FaultHTMLBody answers with an HTML page from a "proxy" instead of XML (status
	// Fault.Status, default 502); nothing is processed.
	FaultHTMLBody
	// FaultError answers with Fault.Error (its StatusCode is the HTTP status, default 400).
	FaultError
)

var faultNames = [...]string{"None", "Throttling", "InternalFailure", "ServiceUnavailable", "IDPCommunicationError", "VerificationKey", "ResetConnection", "TruncatedBody", "HTMLBody", "Error"}

// String returns the fault's name.
func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultNames) {
		return faultNames[k]
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault is an injected failure.
type Fault struct {
	// Kind says what to answer. FaultNone with a Latency only delays a normal answer.
	Kind FaultKind
	// Latency delays the answer (real time; ends early when the client goes away or the server
	// closes). Optional.
	Latency time.Duration
	// Error is the error document for FaultError. Required for FaultError.
	Error *stsxml.Error
	// Status is the HTTP status for FaultHTMLBody. Optional; default 502.
	Status int
}

// FaultFunc chooses a fault for a call (nil: none). It sees the call's parameters
// (Operation, RoleARN, SessionName, DurationSeconds, …) before the call is processed.
type FaultFunc func(Call) *Fault

type faultState struct {
	queue []Fault
	fn    FaultFunc
}

// FailNext injects f into the next n calls (after any faults already queued).
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.faults.queue = append(s.faults.queue, f)
	}
}

// SetFaultFunc makes fn choose the fault of every call that no queued fault (FailNext) takes.
// nil removes it.
func (s *Server) SetFaultFunc(fn FaultFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.fn = fn
}

// ClearFaults removes queued faults and the fault func.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faultState{}
}

func (s *Server) nextFault(c Call) *Fault {
	s.mu.Lock()
	if len(s.faults.queue) > 0 {
		f := s.faults.queue[0]
		s.faults.queue = s.faults.queue[1:]
		s.mu.Unlock()
		return &f
	}
	fn := s.faults.fn
	s.mu.Unlock()
	if fn == nil {
		return nil
	}
	return fn(c)
}

func faultError(f *Fault) *stsxml.Error {
	switch f.Kind {
	case FaultThrottling:
		return senderError(http.StatusBadRequest, CodeThrottling, "Rate exceeded")
	case FaultInternalFailure:
		return &stsxml.Error{StatusCode: http.StatusInternalServerError, Type: "Receiver", Code: CodeInternalFailure, Message: "An internal error occurred. Try again."}
	case FaultServiceUnavailable:
		return &stsxml.Error{StatusCode: http.StatusServiceUnavailable, Type: "Receiver", Code: CodeServiceUnavailable, Message: "Service is unable to handle request."}
	case FaultIDPCommunicationError:
		return senderError(http.StatusBadRequest, CodeIDPCommunicationError, "Couldn't communicate with the identity provider. Please try again.")
	case FaultVerificationKey:
		return errVerificationKey()
	case FaultError:
		if f.Error == nil {
			return &stsxml.Error{StatusCode: http.StatusInternalServerError, Type: "Receiver", Code: CodeInternalFailure, Message: "fakests: FaultError without Fault.Error"}
		}
		e := *f.Error
		if e.StatusCode == 0 {
			e.StatusCode = http.StatusBadRequest
		}
		return &e
	}
	return nil
}

const htmlPage = `<html>
<head><title>%d %s</title></head>
<body>
<center><h1>%d %s</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// earlyFault applies faults that replace processing. handled reports whether it did; resp is
// then the answer to send (nil when the fault sent or dropped it itself).
func (s *Server) earlyFault(w http.ResponseWriter, f *Fault, rid string, call *Call, commit func()) (resp *response, handled bool) {
	if e := faultError(f); e != nil {
		call.Code = e.Code
		r := s.errorResponse(e, rid)
		return &r, true
	}
	switch f.Kind {
	case FaultResetConnection:
		call.Code = "ConnectionReset"
		commit()
		if conn, _, err := hijack(w); err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0) // RST instead of FIN
			}
			_ = conn.Close()
		}
		return nil, true
	case FaultHTMLBody:
		status := f.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		body := fmt.Sprintf(htmlPage, status, http.StatusText(status), status, http.StatusText(status))
		call.Status = status
		call.Code = "HTMLBody"
		commit()
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return nil, true
	}
	return nil, false
}

func hijack(w http.ResponseWriter) (net.Conn, *bufioRW, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, errNoHijack
	}
	return hj.Hijack()
}

// sendTruncated writes resp's status line and headers, announcing the full body, then half
// the body, then drops the connection.
func (s *Server) sendTruncated(w http.ResponseWriter, resp response, rid string, call *Call, commit func()) {
	call.Status = resp.status
	commit()
	conn, buf, err := hijack(w)
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: text/xml\r\nx-amzn-RequestId: %s\r\nContent-Length: %d\r\n\r\n", resp.status, http.StatusText(resp.status), rid, len(resp.body))
	_, _ = buf.Write(resp.body[:len(resp.body)/2])
	_ = buf.Flush()
}

type bufioRW = bufio.ReadWriter
