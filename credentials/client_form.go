package credentials

import (
	"net/url"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// The form functions build a request body in the AWS Query protocol's shape, with the same names
// and values as aws-sdk-go-v2's serializer: a nil pointer or nil list is left out, a non-nil
// empty list is sent as "Name=", list members are numbered from 1. STS does not care about the
// order of the parameters.

func queryForm(action string) url.Values {
	return url.Values{"Action": {action}, "Version": {"2011-06-15"}}
}

func setString(f url.Values, name string, v *string) {
	if v != nil {
		f.Set(name, *v)
	}
}

func setInt32(f url.Values, name string, v *int32) {
	if v != nil {
		f.Set(name, strconv.Itoa(int(*v)))
	}
}

// setList sets the members of list with set, each under its prefix "Name.member.N".
func setList[T any](f url.Values, name string, list []T, set func(prefix string, member T)) {
	if list != nil && len(list) == 0 {
		f.Set(name, "")
	}
	for i, m := range list {
		set(name+".member."+strconv.Itoa(i+1), m)
	}
}

func setPolicyARNs(f url.Values, list []types.PolicyDescriptorType) {
	setList(f, "PolicyArns", list, func(p string, m types.PolicyDescriptorType) { setString(f, p+".arn", m.Arn) })
}

func webIdentityForm(in *sts.AssumeRoleWithWebIdentityInput) url.Values {
	f := queryForm("AssumeRoleWithWebIdentity")
	setInt32(f, "DurationSeconds", in.DurationSeconds)
	setInt32(f, "MinimumSessionTokenSize", in.MinimumSessionTokenSize)
	setString(f, "Policy", in.Policy)
	setPolicyARNs(f, in.PolicyArns)
	setString(f, "ProviderId", in.ProviderId)
	setString(f, "RoleArn", in.RoleArn)
	setString(f, "RoleSessionName", in.RoleSessionName)
	setString(f, "WebIdentityToken", in.WebIdentityToken)
	return f
}

func assumeRoleForm(in *sts.AssumeRoleInput) url.Values {
	f := queryForm("AssumeRole")
	setInt32(f, "DurationSeconds", in.DurationSeconds)
	setString(f, "ExternalId", in.ExternalId)
	setInt32(f, "MinimumSessionTokenSize", in.MinimumSessionTokenSize)
	setString(f, "Policy", in.Policy)
	setPolicyARNs(f, in.PolicyArns)
	setList(f, "ProvidedContexts", in.ProvidedContexts, func(p string, m types.ProvidedContext) {
		setString(f, p+".ContextAssertion", m.ContextAssertion)
		setString(f, p+".ProviderArn", m.ProviderArn)
	})
	setString(f, "RoleArn", in.RoleArn)
	setString(f, "RoleSessionName", in.RoleSessionName)
	setString(f, "SerialNumber", in.SerialNumber)
	setString(f, "SourceIdentity", in.SourceIdentity)
	setList(f, "Tags", in.Tags, func(p string, m types.Tag) {
		setString(f, p+".Key", m.Key)
		setString(f, p+".Value", m.Value)
	})
	setString(f, "TokenCode", in.TokenCode)
	setList(f, "TransitiveTagKeys", in.TransitiveTagKeys, func(p string, m string) { f.Set(p, m) })
	return f
}

// The validate functions check what aws-sdk-go-v2's validators (unexported in service/sts) check,
// and return the same smithy.InvalidParamsError, so that code matching the SDK's validation
// errors keeps working.

func validateWebIdentityInput(in *sts.AssumeRoleWithWebIdentityInput) error {
	p := smithy.InvalidParamsError{Context: "AssumeRoleWithWebIdentityInput"}
	require(&p, "RoleArn", in.RoleArn)
	require(&p, "RoleSessionName", in.RoleSessionName)
	require(&p, "WebIdentityToken", in.WebIdentityToken)
	return invalidParams(p)
}

func validateAssumeRoleInput(in *sts.AssumeRoleInput) error {
	p := smithy.InvalidParamsError{Context: "AssumeRoleInput"}
	require(&p, "RoleArn", in.RoleArn)
	require(&p, "RoleSessionName", in.RoleSessionName)
	tags := smithy.InvalidParamsError{Context: "TagListType"}
	for i, t := range in.Tags {
		tag := smithy.InvalidParamsError{Context: "Tag"}
		require(&tag, "Key", t.Key)
		require(&tag, "Value", t.Value)
		if tag.Len() > 0 {
			tags.AddNested("["+strconv.Itoa(i)+"]", tag)
		}
	}
	if tags.Len() > 0 {
		p.AddNested("Tags", tags)
	}
	return invalidParams(p)
}

func require(p *smithy.InvalidParamsError, name string, v *string) {
	if v == nil {
		p.Add(smithy.NewErrParamRequired(name))
	}
}

func invalidParams(p smithy.InvalidParamsError) error {
	if p.Len() > 0 {
		return p
	}
	return nil
}
