package fakes3

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"strconv"
)

// s3Error is an S3 error response.
type s3Error struct {
	Status  int
	Code    string
	Message string
	// Extra are further elements S3 puts in the document (BucketName, Region, Endpoint, ...).
	Extra []xmlField
	// Header is added to the response (x-amz-bucket-region on redirects).
	Header http.Header
}

type xmlField struct{ Name, Value string }

func hostID(requestID string) string {
	return base64.StdEncoding.EncodeToString([]byte("fakes3/" + requestID + "/host"))
}

// writeError sends e as S3's XML error document and returns its status and code.
func (s *Server) writeError(w http.ResponseWriter, e *s3Error, rec *Request) (int, string) {
	type field struct {
		XMLName xml.Name
		Value   string `xml:",chardata"`
	}
	doc := struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string   `xml:"Code"`
		Message   string   `xml:"Message"`
		Extra     []field
		RequestID string `xml:"RequestId"`
		HostID    string `xml:"HostId"`
	}{Code: e.Code, Message: e.Message, RequestID: rec.RequestID, HostID: hostID(rec.RequestID)}
	for _, f := range e.Extra {
		doc.Extra = append(doc.Extra, field{XMLName: xml.Name{Local: f.Name}, Value: f.Value})
	}
	body, err := xml.Marshal(doc)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return http.StatusInternalServerError, "InternalError"
	}
	for k, v := range e.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
	return e.Status, e.Code
}

// writeFault sends an injected Fault.
func (s *Server) writeFault(w http.ResponseWriter, f *Fault, rec *Request) (int, string) {
	if f.Code != "" {
		return s.writeError(w, &s3Error{Status: f.Status, Code: f.Code, Message: f.Message, Header: f.Header}, rec)
	}
	for k, v := range f.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return f.Status, ""
}

func errAccessDenied(msg string) *s3Error {
	if msg == "" {
		msg = "Access Denied"
	}
	return &s3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: msg}
}

func errMalformedAuth(msg string) *s3Error {
	return &s3Error{Status: http.StatusBadRequest, Code: "AuthorizationHeaderMalformed", Message: msg}
}

func errInvalidArgument(msg, name, value string) *s3Error {
	return &s3Error{Status: http.StatusBadRequest, Code: "InvalidArgument", Message: msg,
		Extra: []xmlField{{"ArgumentName", name}, {"ArgumentValue", value}}}
}
