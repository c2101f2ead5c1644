package stsxml

// field names one value (or one container element) that a decoder collects.
type field uint8

const (
	fNone field = iota
	fResult
	fCredentials
	fAccessKeyID
	fSecretAccessKey
	fSessionToken
	fExpiration
	fAssumedRoleUser
	fAssumedRoleID
	fAssumedRoleArn
	fSubjectFromWebIdentityToken
	fAudience
	fProvider
	fPackedPolicySize
	fSourceIdentity
	fArn
	fUserID
	fAccount
	fResponseMetadata
	fRequestID
	fError
	fErrorType
	fErrorCode
	fErrorMessage
	numFields
)

// node is one element of a document's expected shape. Elements not in the shape are skipped
// wherever they appear; element names match by local name (any namespace), ignoring case as
// aws-sdk-go-v2's deserializers do.
type node struct {
	name  string
	field field
	leaf  bool // a text value; child elements are an error
	// compact removes all whitespace from the value, not only around it: credential values are
	// base64 or alphanumeric, and AWS's documented AssumeRole example line-wraps the session token.
	compact bool
	kids    []*node
}

func leaf(name string, f field) *node { return &node{name: name, field: f, leaf: true} }

func compactLeaf(name string, f field) *node {
	return &node{name: name, field: f, leaf: true, compact: true}
}

func (n *node) kid(local []byte) *node {
	for _, k := range n.kids {
		if equalFold(local, k.name) {
			return k
		}
	}
	return nil
}

// equalFold is strings.EqualFold for an ASCII name held in bytes, without converting it.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		x, y := b[i], s[i]
		if x == y {
			continue
		}
		if x|0x20 != y|0x20 || x|0x20 < 'a' || x|0x20 > 'z' {
			return false
		}
	}
	return true
}

// Document (root element) names.
const (
	docWebIdentity    = "AssumeRoleWithWebIdentityResponse"
	docAssumeRole     = "AssumeRoleResponse"
	docCallerIdentity = "GetCallerIdentityResponse"
	docError          = "ErrorResponse"
)

var (
	credentialsNode = &node{name: "Credentials", field: fCredentials, kids: []*node{
		compactLeaf("AccessKeyId", fAccessKeyID),
		compactLeaf("SecretAccessKey", fSecretAccessKey),
		compactLeaf("SessionToken", fSessionToken),
		leaf("Expiration", fExpiration),
	}}
	assumedRoleUserNode = &node{name: "AssumedRoleUser", field: fAssumedRoleUser, kids: []*node{
		leaf("AssumedRoleId", fAssumedRoleID),
		leaf("Arn", fAssumedRoleArn),
	}}
	responseMetadataNode = &node{name: "ResponseMetadata", field: fResponseMetadata, kids: []*node{
		leaf("RequestId", fRequestID),
	}}

	webIdentitySchema = &node{name: docWebIdentity, kids: []*node{
		{name: "AssumeRoleWithWebIdentityResult", field: fResult, kids: []*node{
			credentialsNode,
			assumedRoleUserNode,
			leaf("SubjectFromWebIdentityToken", fSubjectFromWebIdentityToken),
			leaf("Audience", fAudience),
			leaf("Provider", fProvider),
			leaf("PackedPolicySize", fPackedPolicySize),
			leaf("SourceIdentity", fSourceIdentity),
		}},
		responseMetadataNode,
	}}

	assumeRoleSchema = &node{name: docAssumeRole, kids: []*node{
		{name: "AssumeRoleResult", field: fResult, kids: []*node{
			credentialsNode,
			assumedRoleUserNode,
			leaf("PackedPolicySize", fPackedPolicySize),
			leaf("SourceIdentity", fSourceIdentity),
		}},
		responseMetadataNode,
	}}

	callerIdentitySchema = &node{name: docCallerIdentity, kids: []*node{
		{name: "GetCallerIdentityResult", field: fResult, kids: []*node{
			leaf("Arn", fArn),
			leaf("UserId", fUserID),
			leaf("Account", fAccount),
		}},
		responseMetadataNode,
	}}

	// errorDetailKids are the children of <Error>. S3-compatible servers put RequestId here.
	errorDetailKids = []*node{
		leaf("Type", fErrorType),
		leaf("Code", fErrorCode),
		leaf("Message", fErrorMessage),
		leaf("RequestId", fRequestID),
	}

	// errorResponseSchema is STS's error document: the request ID is a child of the root. Some
	// servers use ResponseMetadata as in success documents; that is accepted too.
	errorResponseSchema = &node{name: docError, kids: []*node{
		{name: "Error", field: fError, kids: errorDetailKids},
		leaf("RequestId", fRequestID),
		responseMetadataNode,
	}}

	// bareErrorSchema is an <Error> root, as S3 and S3-compatible servers send errors.
	bareErrorSchema = &node{name: "Error", field: fError, kids: errorDetailKids}
)

func isErrorSchema(n *node) bool { return n == errorResponseSchema || n == bareErrorSchema }
