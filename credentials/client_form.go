package credentials

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// stsAPIVersion is the Version parameter of every STS Query request.
const stsAPIVersion = "2011-06-15"

// form builds an application/x-www-form-urlencoded body in the AWS Query protocol's shape, with
// the same names and values as aws-sdk-go-v2's serializer: a nil pointer or nil list is left
// out, a non-nil empty list is sent as "Name=", list members are numbered from 1.
type form struct{ b []byte }

func newForm(action string, sizeHint int) form {
	f := form{b: make([]byte, 0, 64+sizeHint)}
	f.b = append(f.b, "Action="...)
	f.b = append(f.b, action...)
	f.b = append(f.b, "&Version="+stsAPIVersion...)
	return f
}

// key starts a parameter: "&name", then each part of a dotted name in turn.
func (f *form) key(parts ...string) {
	f.b = append(f.b, '&')
	for i, p := range parts {
		if i > 0 {
			f.b = append(f.b, '.')
		}
		f.b = append(f.b, p...)
	}
	f.b = append(f.b, '=')
}

func (f *form) str(name string, v *string) {
	if v != nil {
		f.key(name)
		f.b = appendQueryEscape(f.b, *v)
	}
}

func (f *form) int32(name string, v *int32) {
	if v != nil {
		f.key(name)
		f.b = strconv.AppendInt(f.b, int64(*v), 10)
	}
}

// member starts list member i (0-based) of list name, with an optional field name after it:
// "&Name.member.3" or "&Name.member.3.Field".
func (f *form) member(name string, i int, field string) {
	f.b = append(f.b, '&')
	f.b = append(f.b, name...)
	f.b = append(f.b, ".member."...)
	f.b = strconv.AppendInt(f.b, int64(i+1), 10)
	if field != "" {
		f.b = append(f.b, '.')
		f.b = append(f.b, field...)
	}
	f.b = append(f.b, '=')
}

func (f *form) emptyList(name string) {
	f.key(name)
}

func (f *form) policyARNs(v []types.PolicyDescriptorType) {
	if v == nil {
		return
	}
	if len(v) == 0 {
		f.emptyList("PolicyArns")
		return
	}
	for i := range v {
		if v[i].Arn != nil {
			f.member("PolicyArns", i, "arn")
			f.b = appendQueryEscape(f.b, *v[i].Arn)
		}
	}
}

func (f *form) providedContexts(v []types.ProvidedContext) {
	if v == nil {
		return
	}
	if len(v) == 0 {
		f.emptyList("ProvidedContexts")
		return
	}
	for i := range v {
		if v[i].ContextAssertion != nil {
			f.member("ProvidedContexts", i, "ContextAssertion")
			f.b = appendQueryEscape(f.b, *v[i].ContextAssertion)
		}
		if v[i].ProviderArn != nil {
			f.member("ProvidedContexts", i, "ProviderArn")
			f.b = appendQueryEscape(f.b, *v[i].ProviderArn)
		}
	}
}

func (f *form) tags(v []types.Tag) {
	if v == nil {
		return
	}
	if len(v) == 0 {
		f.emptyList("Tags")
		return
	}
	for i := range v {
		if v[i].Key != nil {
			f.member("Tags", i, "Key")
			f.b = appendQueryEscape(f.b, *v[i].Key)
		}
		if v[i].Value != nil {
			f.member("Tags", i, "Value")
			f.b = appendQueryEscape(f.b, *v[i].Value)
		}
	}
}

func (f *form) stringList(name string, v []string) {
	if v == nil {
		return
	}
	if len(v) == 0 {
		f.emptyList(name)
		return
	}
	for i := range v {
		f.member(name, i, "")
		f.b = appendQueryEscape(f.b, v[i])
	}
}

// appendQueryEscape appends s escaped as url.QueryEscape escapes it (which is what the SDK's
// Query encoder uses): letters, digits and "-_.~" as they are, space as "+", every other byte as
// %XX in upper case. It allocates nothing beyond growing dst.
func appendQueryEscape(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

func webIdentityForm(in *sts.AssumeRoleWithWebIdentityInput) []byte {
	hint := 0
	if in.WebIdentityToken != nil {
		hint += len(*in.WebIdentityToken) + len(*in.WebIdentityToken)/8
	}
	if in.Policy != nil {
		hint += 3 * len(*in.Policy)
	}
	f := newForm("AssumeRoleWithWebIdentity", 256+hint)
	f.int32("DurationSeconds", in.DurationSeconds)
	f.int32("MinimumSessionTokenSize", in.MinimumSessionTokenSize)
	f.str("Policy", in.Policy)
	f.policyARNs(in.PolicyArns)
	f.str("ProviderId", in.ProviderId)
	f.str("RoleArn", in.RoleArn)
	f.str("RoleSessionName", in.RoleSessionName)
	f.str("WebIdentityToken", in.WebIdentityToken)
	return f.b
}

func assumeRoleForm(in *sts.AssumeRoleInput) []byte {
	hint := 0
	if in.Policy != nil {
		hint += 3 * len(*in.Policy)
	}
	f := newForm("AssumeRole", 256+hint+64*(len(in.Tags)+len(in.PolicyArns)+len(in.TransitiveTagKeys)))
	f.int32("DurationSeconds", in.DurationSeconds)
	f.str("ExternalId", in.ExternalId)
	f.int32("MinimumSessionTokenSize", in.MinimumSessionTokenSize)
	f.str("Policy", in.Policy)
	f.policyARNs(in.PolicyArns)
	f.providedContexts(in.ProvidedContexts)
	f.str("RoleArn", in.RoleArn)
	f.str("RoleSessionName", in.RoleSessionName)
	f.str("SerialNumber", in.SerialNumber)
	f.str("SourceIdentity", in.SourceIdentity)
	f.tags(in.Tags)
	f.str("TokenCode", in.TokenCode)
	f.stringList("TransitiveTagKeys", in.TransitiveTagKeys)
	return f.b
}

func getCallerIdentityForm() []byte {
	return []byte("Action=GetCallerIdentity&Version=" + stsAPIVersion)
}

// The validate functions check what aws-sdk-go-v2's validators check, and return the same
// smithy.InvalidParamsError, so that code matching the SDK's validation errors keeps working.

func validateWebIdentityInput(in *sts.AssumeRoleWithWebIdentityInput) error {
	p := smithy.InvalidParamsError{Context: "AssumeRoleWithWebIdentityInput"}
	if in.RoleArn == nil {
		p.Add(smithy.NewErrParamRequired("RoleArn"))
	}
	if in.RoleSessionName == nil {
		p.Add(smithy.NewErrParamRequired("RoleSessionName"))
	}
	if in.WebIdentityToken == nil {
		p.Add(smithy.NewErrParamRequired("WebIdentityToken"))
	}
	if p.Len() > 0 {
		return p
	}
	return nil
}

func validateAssumeRoleInput(in *sts.AssumeRoleInput) error {
	p := smithy.InvalidParamsError{Context: "AssumeRoleInput"}
	if in.RoleArn == nil {
		p.Add(smithy.NewErrParamRequired("RoleArn"))
	}
	if in.RoleSessionName == nil {
		p.Add(smithy.NewErrParamRequired("RoleSessionName"))
	}
	if in.Tags != nil {
		list := smithy.InvalidParamsError{Context: "TagListType"}
		for i := range in.Tags {
			tag := smithy.InvalidParamsError{Context: "Tag"}
			if in.Tags[i].Key == nil {
				tag.Add(smithy.NewErrParamRequired("Key"))
			}
			if in.Tags[i].Value == nil {
				tag.Add(smithy.NewErrParamRequired("Value"))
			}
			if tag.Len() > 0 {
				list.AddNested("["+strconv.Itoa(i)+"]", tag)
			}
		}
		if list.Len() > 0 {
			p.AddNested("Tags", list)
		}
	}
	if p.Len() > 0 {
		return p
	}
	return nil
}
