package stsxml

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScannerIsNeverLooserThanEncodingXML runs corner cases of XML through DecodeError and
// through the same walk built on encoding/xml: whatever this package accepts, encoding/xml must
// accept and read the same. (The other way round, this package is stricter on purpose: ASCII
// names only, no DOCTYPE inside the document, attributes separated by whitespace.)
func TestScannerIsNeverLooserThanEncodingXML(t *testing.T) {
	docs := []string{
		"<Error><Code>X</Code><!-- a -- b --></Error>",
		"<Error><Code>X</Code></Error  >",
		"<Error a='1'b='2'><Code>X</Code></Error>",
		"<Error\u00d7><Code>X</Code></Error\u00d7>",
		"<Error><Code>X</Code><\u00d7/></Error>",
		"<Error><Code>X]]>Y</Code></Error>",
		"<Error><Code>X</Code><?xml version='2.0'?></Error>",
		"<?xml version='1.1'?><Error><Code>X</Code></Error>",
		"<?xml encoding='latin1'?><Error><Code>X</Code></Error>",
		"<Error><Code>X</Code><!DOCTYPE a></Error>",
		"<!DOCTYPE a><!DOCTYPE b><Error><Code>X</Code></Error>",
		"<Error><Code>X</Code></Error>\x00",
		"<Error xmlns:a='x' a:b='1' a:b='2'><Code>X</Code></Error>",
		"<Error><Code>&#x110000;</Code></Error>",
		"<Error><Code>&#xFFFE;</Code></Error>",
		"<Error><Code>\uFFFE</Code></Error>",
		"<Error><Code><!-- \x01 -->X</Code></Error>",
		"<Error a='\x01'><Code>X</Code></Error>",
		"<Error><Code>X</Code><a b='&nbsp;'/></Error>",
		"<Error><Code>X</Code></Error><<<",
		"<Error><Code>X</Code><!ELEMENT x></Error>",
		"<Error><Code>X</Code><a:b:c/></Error>",
		"<Error><Code>X</Code><:a/></Error>",
		"<Error><Code>X</Code><a:/></Error>",
		"<Error><Code>X</Code><-a/></Error>",
		"<Error><Code>X</Code><a.b-c/></Error>",
		"<Error><Code>X</Code><a =\"1\"/></Error>",
		"<Error><Code>X</Code><a b = \"1\" /></Error>",
		"<Error><Code>X</Code><a/ ></Error>",
		"<Error><Code>&#32;X</Code></Error>",
		"<Error><Code>&#0032;X</Code></Error>",
		"<Error><Code>&#x;X</Code></Error>",
		"<Error><Code>&#X41;X</Code></Error>",
		"<Error><Code>X&#65</Code></Error>",
		"<Error><Code>&amp</Code>;</Error>",
		"\ufeff<Error><Code>X</Code></Error>",
		"<?pi?><Error><Code>X</Code></Error>",
		"<?pi\x01?><Error><Code>X</Code></Error>",
		"<?xml-stylesheet x?><Error><Code>X</Code></Error>",
		"<?A\xac?><Error><Code>0</Code></Error>", // found by FuzzDecodeError
		"<?A\u00e9 x?><Error><Code>X</Code></Error>",
		"<?A?><Error><Code>X</Code></Error>",
		"<?A\tx?><Error><Code>X</Code></Error>",
		"<Error><![CDATA[]]><Code>X</Code></Error>",
		"<Error><Code><![CDATA[X\x01]]></Code></Error>",
	}
	for _, d := range docs {
		t.Run(d, func(t *testing.T) {
			err := DecodeError(400, strings.NewReader(d))
			got, ok := err.(*Error)
			if !ok {
				return
			}
			p, rerr := referenceWalk([]byte(d), errorResponseSchema, bareErrorSchema)
			require.NoError(t, rerr, "accepted here but encoding/xml refuses it")
			assert.Equal(t, buildError(400, p, []byte(d)), got)
		})
	}
}
