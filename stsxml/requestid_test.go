package stsxml

import (
	"net/http"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
)

func TestRequestIDFromHeader(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   string
	}{
		{"STS's x-amzn-RequestId header, in any case", http.Header{"X-Amzn-Requestid": {"a"}}, "a"},
		{"S3's x-amz-request-id header as a fallback", http.Header{"X-Amz-Request-Id": {"b"}}, "b"},
		{"x-amzn-RequestId wins over x-amz-request-id", http.Header{"X-Amzn-Requestid": {"a"}, "X-Amz-Request-Id": {"b"}}, "a"},
		{"no header gives an empty ID", http.Header{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, RequestIDFromHeader(tt.header))
		})
	}
	t.Run("the header name as STS spells it is found", func(t *testing.T) {
		h := http.Header{}
		h.Set("x-amzn-RequestId", "c")
		assert.Equal(t, "c", RequestIDFromHeader(h))
	})
}

func TestSetRequestIDFromHeader(t *testing.T) {
	t.Run("fills in a missing request ID", func(t *testing.T) {
		var md middleware.Metadata
		SetRequestIDFromHeader(&md, http.Header{"X-Amzn-Requestid": {"from-header"}})
		id, ok := awsmiddleware.GetRequestIDMetadata(md)
		assert.True(t, ok)
		assert.Equal(t, "from-header", id)
	})
	t.Run("keeps the request ID from the document", func(t *testing.T) {
		var md middleware.Metadata
		awsmiddleware.SetRequestIDMetadata(&md, "from-body")
		SetRequestIDFromHeader(&md, http.Header{"X-Amzn-Requestid": {"from-header"}})
		id, _ := awsmiddleware.GetRequestIDMetadata(md)
		assert.Equal(t, "from-body", id)
	})
	t.Run("sets nothing without a header", func(t *testing.T) {
		var md middleware.Metadata
		SetRequestIDFromHeader(&md, http.Header{})
		_, ok := awsmiddleware.GetRequestIDMetadata(md)
		assert.False(t, ok)
	})
}
