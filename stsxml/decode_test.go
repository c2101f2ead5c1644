package stsxml

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

// webIdentityDoc is a complete AssumeRoleWithWebIdentityResponse with every element filled in;
// the tables below derive their variants from it with strings.Replace.
const webIdentityDoc = `<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:default:app</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::111122223333:assumed-role/app/session</Arn>
      <AssumedRoleId>AROAEXAMPLEROLEID1234:session</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLEKEYID1234</AccessKeyId>
      <SecretAccessKey>Zq3/8vWc+1tXk9YbR2mLpQ7sHdE4uNfA6gJiKoTx</SecretAccessKey>
      <SessionToken>IQoJb3JpZ2luX2VjEXAMPLEs3ss10nT0k3n/AQ+w==</SessionToken>
      <Expiration>2030-01-02T03:04:05Z</Expiration>
    </Credentials>
    <Provider>arn:aws:iam::111122223333:oidc-provider/oidc.example.com</Provider>
    <PackedPolicySize>7</PackedPolicySize>
    <SourceIdentity>alice</SourceIdentity>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
`

const (
	docSecretAccessKey = "Zq3/8vWc+1tXk9YbR2mLpQ7sHdE4uNfA6gJiKoTx"
	docSessionToken    = "IQoJb3JpZ2luX2VjEXAMPLEs3ss10nT0k3n/AQ+w=="
)

func ptr[T any](v T) *T { return &v }

// wantWebIdentity is webIdentityDoc decoded.
func wantWebIdentity() *sts.AssumeRoleWithWebIdentityOutput {
	out := &sts.AssumeRoleWithWebIdentityOutput{
		SubjectFromWebIdentityToken: ptr("system:serviceaccount:default:app"),
		Audience:                    ptr("sts.amazonaws.com"),
		AssumedRoleUser: &types.AssumedRoleUser{
			Arn:           ptr("arn:aws:sts::111122223333:assumed-role/app/session"),
			AssumedRoleId: ptr("AROAEXAMPLEROLEID1234:session"),
		},
		Credentials: &types.Credentials{
			AccessKeyId:     ptr("ASIAEXAMPLEKEYID1234"),
			SecretAccessKey: ptr(docSecretAccessKey),
			SessionToken:    ptr(docSessionToken),
			Expiration:      ptr(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)),
		},
		Provider:         ptr("arn:aws:iam::111122223333:oidc-provider/oidc.example.com"),
		PackedPolicySize: ptr(int32(7)),
		SourceIdentity:   ptr("alice"),
	}
	awsmiddleware.SetRequestIDMetadata(&out.ResultMetadata, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
	return out
}

// edit applies old→new replacements (each must match) to webIdentityDoc.
func edit(t *testing.T, doc string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		require.Contains(t, doc, pairs[i], "test bug: replacement target missing")
		doc = strings.ReplaceAll(doc, pairs[i], pairs[i+1])
	}
	return doc
}

func TestDecodeAssumeRoleWithWebIdentityTolerates(t *testing.T) {
	tests := []struct {
		name string
		doc  func(t *testing.T) string
		want func(out *sts.AssumeRoleWithWebIdentityOutput)
	}{
		{
			name: "a complete document decodes every element",
			doc:  func(t *testing.T) string { return webIdentityDoc },
		},
		{
			name: "elements in reverse order decode the same",
			doc: func(t *testing.T) string {
				return `<AssumeRoleWithWebIdentityResponse><ResponseMetadata><RequestId>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</RequestId></ResponseMetadata>
<AssumeRoleWithWebIdentityResult><SourceIdentity>alice</SourceIdentity><PackedPolicySize>7</PackedPolicySize>
<Provider>arn:aws:iam::111122223333:oidc-provider/oidc.example.com</Provider>
<Credentials><Expiration>2030-01-02T03:04:05Z</Expiration><SessionToken>` + docSessionToken + `</SessionToken>
<SecretAccessKey>` + docSecretAccessKey + `</SecretAccessKey><AccessKeyId>ASIAEXAMPLEKEYID1234</AccessKeyId></Credentials>
<AssumedRoleUser><AssumedRoleId>AROAEXAMPLEROLEID1234:session</AssumedRoleId><Arn>arn:aws:sts::111122223333:assumed-role/app/session</Arn></AssumedRoleUser>
<Audience>sts.amazonaws.com</Audience><SubjectFromWebIdentityToken>system:serviceaccount:default:app</SubjectFromWebIdentityToken>
</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`
			},
		},
		{
			name: "a document without any whitespace between elements decodes the same",
			doc: func(t *testing.T) string {
				var b strings.Builder
				for _, line := range strings.Split(webIdentityDoc, "\n") {
					b.WriteString(strings.TrimSpace(line))
				}
				return b.String()
			},
		},
		{
			name: "comments and processing instructions anywhere are ignored",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc,
					"<Credentials>", "<!-- c --><Credentials><?pi x?>",
					"<SourceIdentity>alice", "<SourceIdentity>al<!-- inside -->ice",
					"</AssumeRoleWithWebIdentityResponse>", "<!-- last --></AssumeRoleWithWebIdentityResponse>")
			},
		},
		{
			name: "unknown elements at every level are skipped, even ones reusing known names",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc,
					"<AssumeRoleWithWebIdentityResult>", "<Extra a='1'><Credentials><SecretAccessKey>wrong</SecretAccessKey></Credentials></Extra><AssumeRoleWithWebIdentityResult><SessionTokenSize>12</SessionTokenSize>",
					"<Credentials>", "<Credentials><Future><AccessKeyId>wrong</AccessKeyId></Future><Empty/>",
					"<RequestId>", "<Other>x</Other><RequestId>")
			},
		},
		{
			name: "a namespace prefix on every element is accepted",
			doc: func(t *testing.T) string {
				d := strings.ReplaceAll(webIdentityDoc, "</", "</sts:")
				d = strings.ReplaceAll(d, "<", "<sts:")
				d = strings.ReplaceAll(d, "<sts:/", "</")
				d = strings.ReplaceAll(d, "<sts:?xml", "<?xml")
				return strings.Replace(d, "xmlns=", "xmlns:sts=", 1)
			},
		},
		{
			name: "a document without a namespace is accepted",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, ` xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`, "")
			},
		},
		{
			name: "a document in another namespace is accepted",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, `https://sts.amazonaws.com/doc/2011-06-15/`, "urn:example")
			},
		},
		{
			name: "element names in another letter case are accepted, as the SDK does",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<AccessKeyId>ASIAEXAMPLEKEYID1234</AccessKeyId>", "<accesskeyid>ASIAEXAMPLEKEYID1234</accesskeyid>",
					"Audience>", "AUDIENCE>")
			},
		},
		{
			name: "a byte order mark before the declaration is accepted",
			doc:  func(t *testing.T) string { return "\xef\xbb\xbf" + webIdentityDoc },
		},
		{
			name: "a document without an XML declaration is accepted",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, `<?xml version="1.0" encoding="UTF-8"?>`, "")
			},
		},
		{
			name: "a DOCTYPE without an internal subset is accepted",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, `<?xml version="1.0" encoding="UTF-8"?>`, `<?xml version="1.0"?><!DOCTYPE AssumeRoleWithWebIdentityResponse SYSTEM "x.dtd">`)
			},
		},
		{
			name: "values wrapped in whitespace are trimmed",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc,
					"<Audience>sts.amazonaws.com</Audience>", "<Audience>\n\t  sts.amazonaws.com \r\n</Audience>",
					"<Expiration>2030-01-02T03:04:05Z</Expiration>", "<Expiration> 2030-01-02T03:04:05Z\n</Expiration>",
					"<PackedPolicySize>7</PackedPolicySize>", "<PackedPolicySize> 7 </PackedPolicySize>",
					"<RequestId>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</RequestId>", "<RequestId>\n0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n</RequestId>")
			},
		},
		{
			name: "a line-wrapped session token and secret key are joined",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc,
					docSessionToken, "\n  IQoJb3JpZ2luX2VjEXAMPLE\n  s3ss10nT0k3n/AQ+w==\n",
					docSecretAccessKey, "Zq3/8vWc+1tXk9YbR2mL\r\n\tpQ7sHdE4uNfA6gJiKoTx")
			},
		},
		{
			name: "entity and character references in values are resolved",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<SourceIdentity>alice</SourceIdentity>", "<SourceIdentity>a&amp;b&lt;c&gt;d&quot;e&apos;f&#65;&#x42;&#x1F600;</SourceIdentity>")
			},
			want: func(out *sts.AssumeRoleWithWebIdentityOutput) { out.SourceIdentity = ptr(`a&b<c>d"e'fAB😀`) },
		},
		{
			name: "CDATA sections are taken literally",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<SourceIdentity>alice</SourceIdentity>", "<SourceIdentity><![CDATA[a&amp;<b>]]> c</SourceIdentity>")
			},
			want: func(out *sts.AssumeRoleWithWebIdentityOutput) { out.SourceIdentity = ptr(`a&amp;<b> c`) },
		},
		{
			name: "line ends inside a value are normalized to a line feed, as XML requires",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<SourceIdentity>alice</SourceIdentity>", "<SourceIdentity>a\r\nb\rc&#xD;d</SourceIdentity>")
			},
			want: func(out *sts.AssumeRoleWithWebIdentityOutput) { out.SourceIdentity = ptr("a\nb\nc\rd") },
		},
		{
			name: "Expiration with fractional seconds keeps them",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "2030-01-02T03:04:05Z", "2030-01-02T03:04:05.123456Z")
			},
			want: func(out *sts.AssumeRoleWithWebIdentityOutput) {
				out.Credentials.Expiration = ptr(time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC))
			},
		},
		{
			name: "Expiration with an offset is returned in UTC",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "2030-01-02T03:04:05Z", "2030-01-02T05:34:05.5+02:30")
			},
			want: func(out *sts.AssumeRoleWithWebIdentityOutput) {
				out.Credentials.Expiration = ptr(time.Date(2030, 1, 2, 3, 4, 5, 500000000, time.UTC))
			},
		},
		{
			name: "Expiration with a lower-case z is accepted",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "2030-01-02T03:04:05Z", "2030-01-02T03:04:05z")
			},
		},
		{
			name: "only the credentials present leaves every optional field nil",
			doc: func(t *testing.T) string {
				return `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>
<AccessKeyId>ASIAEXAMPLEKEYID1234</AccessKeyId><SecretAccessKey>` + docSecretAccessKey + `</SecretAccessKey>
<SessionToken>` + docSessionToken + `</SessionToken><Expiration>2030-01-02T03:04:05Z</Expiration>
</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`
			},
			want: func(out *sts.AssumeRoleWithWebIdentityOutput) {
				*out = sts.AssumeRoleWithWebIdentityOutput{Credentials: out.Credentials}
			},
		},
		{
			name: "empty optional elements count as absent",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc,
					"<Audience>sts.amazonaws.com</Audience>", "<Audience/>",
					"<SourceIdentity>alice</SourceIdentity>", "<SourceIdentity>  </SourceIdentity>",
					"<PackedPolicySize>7</PackedPolicySize>", "<PackedPolicySize></PackedPolicySize>",
					"<RequestId>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</RequestId>", "<RequestId/>")
			},
			want: func(out *sts.AssumeRoleWithWebIdentityOutput) {
				out.Audience, out.SourceIdentity, out.PackedPolicySize = nil, nil, nil
				out.ResultMetadata = sts.AssumeRoleWithWebIdentityOutput{}.ResultMetadata
			},
		},
		{
			name: "an empty AssumedRoleUser is kept, with nil fields",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc,
					"<Arn>arn:aws:sts::111122223333:assumed-role/app/session</Arn>", "",
					"<AssumedRoleId>AROAEXAMPLEROLEID1234:session</AssumedRoleId>", "")
			},
			want: func(out *sts.AssumeRoleWithWebIdentityOutput) { out.AssumedRoleUser = &types.AssumedRoleUser{} },
		},
		{
			name: "a repeated element: the last one wins, as in the SDK",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<SourceIdentity>alice</SourceIdentity>", "<SourceIdentity>bob</SourceIdentity><SourceIdentity>alice</SourceIdentity>")
			},
		},
		{
			name: "anything after the root element is not read",
			doc:  func(t *testing.T) string { return webIdentityDoc + "<trailing garbage & <<" },
		},
		{
			name: "single-quoted attributes and spaces inside tags are accepted",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, `xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`, "xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/'  a=\"&lt;&#65;\" ",
					"</Credentials>", "</Credentials  >")
			},
		},
		{
			name: "values in other scripts are kept",
			doc: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<SourceIdentity>alice</SourceIdentity>", "<SourceIdentity>アリス</SourceIdentity>")
			},
			want: func(out *sts.AssumeRoleWithWebIdentityOutput) { out.SourceIdentity = ptr("アリス") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := wantWebIdentity()
			if tt.want != nil {
				tt.want(want)
			}
			got, err := DecodeAssumeRoleWithWebIdentity(200, strings.NewReader(tt.doc(t)))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	type decoder func(status int, body string) error
	webIdentity := func(status int, body string) error {
		out, err := DecodeAssumeRoleWithWebIdentity(status, strings.NewReader(body))
		if err == nil {
			return errors.New("decoded: " + *out.Credentials.AccessKeyId)
		}
		return err
	}
	assumeRole := func(status int, body string) error {
		_, err := DecodeAssumeRole(status, strings.NewReader(body))
		return err
	}
	callerIdentity := func(status int, body string) error {
		_, err := DecodeGetCallerIdentity(status, strings.NewReader(body))
		return err
	}
	decodeError := func(status int, body string) error { return DecodeError(status, strings.NewReader(body)) }

	tests := []struct {
		name       string
		decode     decoder
		status     int
		body       func(t *testing.T) string
		wantDoc    string
		wantReason string
	}{
		{
			name: "a missing AccessKeyId is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<AccessKeyId>ASIAEXAMPLEKEYID1234</AccessKeyId>", "")
			},
			wantDoc: docWebIdentity, wantReason: "<Credentials> has no <AccessKeyId>",
		},
		{
			name: "a missing SecretAccessKey is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<SecretAccessKey>"+docSecretAccessKey+"</SecretAccessKey>", "")
			},
			wantDoc: docWebIdentity, wantReason: "<Credentials> has no <SecretAccessKey>",
		},
		{
			name: "an empty SessionToken is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<SessionToken>"+docSessionToken+"</SessionToken>", "<SessionToken>\n  </SessionToken>")
			},
			wantDoc: docWebIdentity, wantReason: "<Credentials> has no <SessionToken>",
		},
		{
			name: "a missing Expiration is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<Expiration>2030-01-02T03:04:05Z</Expiration>", "")
			},
			wantDoc: docWebIdentity, wantReason: "<Credentials> has no <Expiration>",
		},
		{
			name: "credentials outside the result element do not count", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return `<AssumeRoleWithWebIdentityResponse><Credentials><AccessKeyId>A</AccessKeyId></Credentials></AssumeRoleWithWebIdentityResponse>`
			},
			wantDoc: docWebIdentity, wantReason: "no <AssumeRoleWithWebIdentityResult> element",
		},
		{
			name: "a result without Credentials is refused", decode: assumeRole, status: 200,
			body: func(t *testing.T) string {
				return `<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser/></AssumeRoleResult></AssumeRoleResponse>`
			},
			wantDoc: docAssumeRole, wantReason: "no <Credentials> element",
		},
		{
			name: "an Expiration that is not a date is refused", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return edit(t, webIdentityDoc, "2030-01-02T03:04:05Z", "tomorrow") },
			wantDoc: docWebIdentity, wantReason: `<Expiration> (a value with other characters) is not an RFC 3339 date-time`,
		},
		{
			name: "an Expiration with an impossible date is refused and shown", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "2030-01-02T03:04:05Z", "2030-02-30T03:04:05Z")
			},
			wantDoc: docWebIdentity, wantReason: `<Expiration> "2030-02-30T03:04:05Z" is not an RFC 3339 date-time`,
		},
		{
			name: "an Expiration in HTTP date format is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "2030-01-02T03:04:05Z", "Wed, 02 Jan 2030 03:04:05 GMT")
			},
			wantDoc: docWebIdentity, wantReason: `<Expiration> (a value with other characters) is not an RFC 3339 date-time`,
		},
		{
			name: "a PackedPolicySize that is not a number is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<PackedPolicySize>7<", "<PackedPolicySize>7.5<")
			},
			wantDoc: docWebIdentity, wantReason: `<PackedPolicySize> "7.5" is not a 32-bit integer`,
		},
		{
			name: "a PackedPolicySize beyond 32 bits is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<PackedPolicySize>7<", "<PackedPolicySize>4294967296<")
			},
			wantDoc: docWebIdentity, wantReason: `<PackedPolicySize> "4294967296" is not a 32-bit integer`,
		},
		{
			name: "an AssumeRoleResponse given to the web identity decoder is the wrong root", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return readTestdata(t, "moto-assumerole.xml") },
			wantDoc: docWebIdentity, wantReason: "the root element is <AssumeRoleResponse>",
		},
		{
			name: "a caller identity without Arn is refused", decode: callerIdentity, status: 200,
			body: func(t *testing.T) string {
				return `<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`
			},
			wantDoc: docCallerIdentity, wantReason: "<GetCallerIdentityResult> has no <Arn>",
		},
		{
			name: "a caller identity without its result is refused", decode: callerIdentity, status: 200,
			body:    func(t *testing.T) string { return `<GetCallerIdentityResponse/>` },
			wantDoc: docCallerIdentity, wantReason: "no <GetCallerIdentityResult> element",
		},
		{
			name: "a proxy's HTML page with status 200 is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return "<!DOCTYPE html>\n<html><head><title>Login required</title></head><body>Please sign in</body></html>"
			},
			wantDoc: docWebIdentity, wantReason: "the body is an HTML page, not XML",
		},
		{
			name: "moto's HTML error page with status 500 is refused as an error document", decode: webIdentity, status: 500,
			body:    func(t *testing.T) string { return readTestdata(t, "moto-error-invalidaction-html500.html") },
			wantDoc: docError, wantReason: "the body is an HTML page, not XML",
		},
		{
			name: "a gateway's 502 page is refused", decode: decodeError, status: 502,
			body: func(t *testing.T) string {
				return "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
			},
			wantDoc: docError, wantReason: "the body is an HTML page, not XML",
		},
		{
			name: "an empty body is refused", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return "" },
			wantDoc: docWebIdentity, wantReason: "the body is empty",
		},
		{
			name: "a body of only whitespace is refused as empty", decode: decodeError, status: 403,
			body:    func(t *testing.T) string { return " \r\n\t" },
			wantDoc: docError, wantReason: "the body is empty",
		},
		{
			name: "a body with only a declaration has no root element", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return `<?xml version="1.0"?><!-- nothing -->` },
			wantDoc: docWebIdentity, wantReason: "the body has no root element",
		},
		{
			name: "plain text is not XML", decode: decodeError, status: 503,
			body:    func(t *testing.T) string { return "upstream connect error or disconnect/reset before headers" },
			wantDoc: docError, wantReason: "the body is not XML",
		},
		{
			name: "JSON is not XML", decode: decodeError, status: 400,
			body:    func(t *testing.T) string { return `{"__type":"ValidationException","message":"bad"}` },
			wantDoc: docError, wantReason: "the body is not XML",
		},
		{
			name: "a body cut off inside an element is truncated", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return webIdentityDoc[:strings.Index(webIdentityDoc, "</Credentials>")] },
			wantDoc: docWebIdentity, wantReason: "the body is truncated (it ends inside <Credentials>)",
		},
		{
			name: "a body cut off inside a tag is truncated", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return webIdentityDoc[:strings.Index(webIdentityDoc, "<Expiration>")+5] },
			wantDoc: docWebIdentity, wantReason: "the body is truncated (it ends inside <Credentials>)",
		},
		{
			name: "a body cut off inside a comment is truncated", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return "<AssumeRoleWithWebIdentityResponse><!-- a" },
			wantDoc: docWebIdentity, wantReason: "the body is truncated (it ends inside <AssumeRoleWithWebIdentityResponse>)",
		},
		{
			name: "a mismatched end tag is malformed", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return edit(t, webIdentityDoc, "</Audience>", "</Provider>") },
			wantDoc: docWebIdentity, wantReason: "malformed XML in <Audience>: an end tag does not match",
		},
		{
			name: "an unknown entity is malformed", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return edit(t, webIdentityDoc, "<Audience>sts", "<Audience>&nbsp;sts") },
			wantDoc: docWebIdentity, wantReason: "malformed XML in <Audience>: an invalid character or reference",
		},
		{
			name: "a bare ampersand is malformed", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return edit(t, webIdentityDoc, "<Audience>sts", "<Audience>a & b sts") },
			wantDoc: docWebIdentity, wantReason: "malformed XML in <Audience>: an invalid character or reference",
		},
		{
			name: "a control character is malformed", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return edit(t, webIdentityDoc, "<Audience>sts", "<Audience>\x01sts") },
			wantDoc: docWebIdentity, wantReason: "malformed XML in <Audience>: an invalid character or reference",
		},
		{
			name: "a character reference to NUL is malformed", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return edit(t, webIdentityDoc, "<Audience>sts", "<Audience>&#0;sts") },
			wantDoc: docWebIdentity, wantReason: "malformed XML in <Audience>: an invalid character or reference",
		},
		{
			name: "invalid UTF-8 in a value is malformed", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return edit(t, webIdentityDoc, "<Audience>sts", "<Audience>\xff\xfests") },
			wantDoc: docWebIdentity, wantReason: "malformed XML in <Audience>: an invalid character or reference",
		},
		{
			name: "invalid UTF-8 in skipped text is malformed too", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return edit(t, webIdentityDoc, "<Credentials>", "<Credentials>\xc3") },
			wantDoc: docWebIdentity, wantReason: "an invalid character or reference",
		},
		{
			name: "an element inside a value is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<SessionToken>"+docSessionToken, "<SessionToken><b>x</b>"+docSessionToken)
			},
			wantDoc: docWebIdentity, wantReason: "<SessionToken> holds an element; it must hold only text",
		},
		{
			name: "a DOCTYPE with an internal subset (entity expansion) is refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>` + webIdentityDoc[strings.Index(webIdentityDoc, "<AssumeRoleWithWebIdentityResponse"):]
			},
			wantDoc: docWebIdentity, wantReason: "DOCTYPE with an internal subset",
		},
		{
			name: "a billion-laughs body is refused before any entity is expanded", decode: decodeError, status: 400,
			body: func(t *testing.T) string {
				var b strings.Builder
				b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
				for i := 1; i <= 9; i++ {
					b.WriteString(fmt.Sprintf(`<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10)))
				}
				b.WriteString(`]><ErrorResponse><Error><Code>&lol9;</Code></Error></ErrorResponse>`)
				return strings.Replace(b.String(), "&lol0;", "&lol;", -1)
			},
			wantDoc: docError, wantReason: "DOCTYPE with an internal subset",
		},
		{
			name: "an entity defined nowhere is refused, not looked up", decode: decodeError, status: 400,
			body: func(t *testing.T) string {
				return `<!DOCTYPE e SYSTEM "http://127.0.0.1:1/e.dtd"><ErrorResponse><Error><Code>&e;</Code></Error></ErrorResponse>`
			},
			wantDoc: docError, wantReason: "malformed XML in <Code>: an invalid character or reference",
		},
		{
			name: "an unquoted attribute is malformed", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return edit(t, webIdentityDoc, "<Credentials>", "<Credentials a=b>") },
			wantDoc: docWebIdentity, wantReason: "malformed XML in <AssumeRoleWithWebIdentityResult>: a malformed attribute",
		},
		{
			name: "elements nested 33 deep are refused", decode: webIdentity, status: 200,
			body: func(t *testing.T) string {
				return edit(t, webIdentityDoc, "<Credentials>", "<Credentials>"+strings.Repeat("<x>", 31)+strings.Repeat("</x>", 31))
			},
			wantDoc: docWebIdentity, wantReason: "elements are nested too deeply",
		},
		{
			name: "an error document without Code is refused", decode: decodeError, status: 400,
			body: func(t *testing.T) string {
				return `<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>`
			},
			wantDoc: docError, wantReason: "<Error> has no <Code>",
		},
		{
			name: "an ErrorResponse without an Error element is refused", decode: assumeRole, status: 403,
			body:    func(t *testing.T) string { return `<ErrorResponse><RequestId>r</RequestId></ErrorResponse>` },
			wantDoc: docError, wantReason: "no <Error> element",
		},
		{
			name: "a success document with an error status is not an error document", decode: webIdentity, status: 400,
			body:    func(t *testing.T) string { return webIdentityDoc },
			wantDoc: docError, wantReason: "the root element is <AssumeRoleWithWebIdentityResponse>",
		},
		{
			name: "text before the root element is not XML", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return "OK" + webIdentityDoc },
			wantDoc: docWebIdentity, wantReason: "the body is not XML",
		},
		{
			name: "an end tag before any element is malformed", decode: webIdentity, status: 200,
			body:    func(t *testing.T) string { return "</AssumeRoleWithWebIdentityResponse>" },
			wantDoc: docWebIdentity, wantReason: "malformed XML: an end tag does not match",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.decode(tt.status, tt.body(t))
			var fe *FormatError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.status, fe.StatusCode)
			assert.Equal(t, tt.wantDoc, fe.Document)
			assert.Contains(t, fe.Reason, tt.wantReason)
			assert.Contains(t, err.Error(), "STS HTTP ")
			assert.Contains(t, err.Error(), tt.wantDoc)
			assert.Contains(t, err.Error(), fe.Reason)
			var apiErr *Error
			assert.False(t, errors.As(err, &apiErr), "a FormatError is not an STS error")
		})
	}
}

func TestDecodeMotoResponses(t *testing.T) {
	t.Run("AssumeRoleWithWebIdentity keeps moto's microsecond Expiration", func(t *testing.T) {
		out, err := DecodeAssumeRoleWithWebIdentity(200, openTestdata(t, "moto-assumerolewithwebidentity.xml"))
		require.NoError(t, err)
		assert.Equal(t, "ASIARZPUZDIKBYBPSIHZ", *out.Credentials.AccessKeyId)
		assert.Equal(t, "18XIpj9sx0WVSfIbs1FkIfdZCTjwvSVj9qpfcglu", *out.Credentials.SecretAccessKey)
		assert.Equal(t, time.Date(2026, 11, 24, 7, 33, 19, 240216000, time.UTC), *out.Credentials.Expiration)
		assert.Equal(t, "arn:aws:sts::123456789012:assumed-role/web/sess", *out.AssumedRoleUser.Arn)
		assert.Equal(t, int32(6), *out.PackedPolicySize)
		rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		assert.Equal(t, "KeHrp7sjVibPv1uCzVDUGup2SyH0WsBMummF95FoW0lmtVT5pvCM", rid)
	})
	t.Run("AssumeRole", func(t *testing.T) {
		out, err := DecodeAssumeRole(200, openTestdata(t, "moto-assumerole.xml"))
		require.NoError(t, err)
		assert.Equal(t, "ASIARZPUZDIKASMU7SN3", *out.Credentials.AccessKeyId)
		assert.Equal(t, "AROA3X42LBCDG5UBBF3XT:sess", *out.AssumedRoleUser.AssumedRoleId)
		assert.Nil(t, out.SourceIdentity)
	})
	t.Run("GetCallerIdentity", func(t *testing.T) {
		out, err := DecodeGetCallerIdentity(200, openTestdata(t, "moto-getcalleridentity.xml"))
		require.NoError(t, err)
		assert.Equal(t, "arn:aws:sts::123456789012:user/moto", *out.Arn)
		assert.Equal(t, "AKIAIOSFODNN7EXAMPLE", *out.UserId)
		assert.Equal(t, "123456789012", *out.Account)
		rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		assert.Equal(t, "HbrmjuuhZdKlm8uGHIjCmGl3poEhbhPFoXXjeU79rulwx3loC6ZP", rid)
	})
	t.Run("a ValidationError", func(t *testing.T) {
		_, err := DecodeAssumeRole(400, openTestdata(t, "moto-error-validation.xml"))
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "ValidationError", e.Code)
		assert.Equal(t, "Sender", e.Type)
		assert.Contains(t, e.Message, "at 'roleSessionName' failed to satisfy constraint")
		assert.Equal(t, "ckbgooKqn9lfnK3CPQ1w9AmVGLzQF6f2PV1haEKOs9wfEyUNfPxm", e.RequestID)
		assert.True(t, e.NonRecoverable())
	})
}

func TestDecodeAWSDocumentedExamples(t *testing.T) {
	t.Run("AssumeRoleWithWebIdentity", func(t *testing.T) {
		out, err := DecodeAssumeRoleWithWebIdentity(200, openTestdata(t, "aws-doc-assumerolewithwebidentity.xml"))
		require.NoError(t, err)
		assert.Equal(t, "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A", *out.SubjectFromWebIdentityToken)
		assert.Equal(t, "client.5498841531868486423.1548@apps.example.com", *out.Audience)
		assert.Equal(t, "arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1", *out.AssumedRoleUser.Arn)
		assert.Equal(t, "AROACLKWSDQRAOEXAMPLE:app1", *out.AssumedRoleUser.AssumedRoleId)
		assert.Equal(t, "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE", *out.Credentials.SessionToken)
		assert.Equal(t, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", *out.Credentials.SecretAccessKey)
		assert.Equal(t, "ASgeIAIOSFODNN7EXAMPLE", *out.Credentials.AccessKeyId)
		assert.Equal(t, time.Date(2014, 10, 24, 23, 0, 23, 0, time.UTC), *out.Credentials.Expiration)
		assert.Equal(t, "SourceIdentityValue", *out.SourceIdentity)
		assert.Equal(t, "www.amazon.com", *out.Provider)
		assert.Nil(t, out.PackedPolicySize)
		rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		assert.Equal(t, "ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE", rid)
	})
	t.Run("AssumeRole, whose line-wrapped session token is joined", func(t *testing.T) {
		out, err := DecodeAssumeRole(200, openTestdata(t, "aws-doc-assumerole.xml"))
		require.NoError(t, err)
		assert.Equal(t, "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW"+
			"LWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGd"+
			"QrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU"+
			"9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz"+
			"+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==", *out.Credentials.SessionToken)
		assert.Equal(t, "Alice", *out.SourceIdentity)
		assert.Equal(t, int32(6), *out.PackedPolicySize)
		assert.Equal(t, "ASIAIOSFODNN7EXAMPLE", *out.Credentials.AccessKeyId)
		assert.Equal(t, time.Date(2019, 11, 9, 13, 34, 41, 0, time.UTC), *out.Credentials.Expiration)
		rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		assert.Equal(t, "c6104cbe-af31-11e0-8154-cbc7ccf896c7", rid)
	})
	t.Run("GetCallerIdentity", func(t *testing.T) {
		out, err := DecodeGetCallerIdentity(200, openTestdata(t, "aws-doc-getcalleridentity.xml"))
		require.NoError(t, err)
		assert.Equal(t, "arn:aws:iam::123456789012:user/Alice", *out.Arn)
		assert.Equal(t, "AIDACKCEVSQ6C2EXAMPLE", *out.UserId)
		assert.Equal(t, "123456789012", *out.Account)
		rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		assert.Equal(t, "01234567-89ab-cdef-0123-456789abcdef", rid)
	})
	t.Run("an error", func(t *testing.T) {
		_, err := DecodeAssumeRoleWithWebIdentity(400, openTestdata(t, "aws-doc-error-validation.xml"))
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, &Error{StatusCode: 400, Type: "Sender", Code: "ValidationError", Message: "Request ARN is invalid", RequestID: "ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE"}, e)
		assert.EqualError(t, err, "STS HTTP 400 ValidationError: Request ARN is invalid (request ID ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE)")
	})
}
