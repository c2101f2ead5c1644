package credentials

import (
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// FuzzClientForm checks that any parameter values survive the trip through the request body:
// what a server's form parser reads back is exactly what was put in, with nothing added.
func FuzzClientForm(f *testing.F) {
	f.Add("arn:aws:iam::123456789012:role/r", "session", wireToken, `{"Version":"2012-10-17"}`, "team", "a b&c=d")
	f.Add("", "", "", "", "", "")
	f.Add("x&Action=AssumeRole", "s%20", "t+t", "\x00\xff", "k=v", "v&w")
	f.Fuzz(func(t *testing.T, role, session, token, policy, tagKey, tagValue string) {
		web := webIdentityForm(&sts.AssumeRoleWithWebIdentityInput{RoleArn: &role, RoleSessionName: &session, WebIdentityToken: &token, Policy: &policy})
		got, err := url.ParseQuery(web.Encode())
		if err != nil {
			t.Fatalf("body %q does not parse: %v", web, err)
		}
		want := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {role},
			"RoleSessionName": {session}, "WebIdentityToken": {token}, "Policy": {policy}}
		if got.Encode() != want.Encode() {
			t.Fatalf("web identity form\n got  %v\n want %v", got, want)
		}
		role2 := assumeRoleForm(&sts.AssumeRoleInput{RoleArn: &role, RoleSessionName: &session, ExternalId: aws.String(token),
			Tags: []types.Tag{{Key: &tagKey, Value: &tagValue}}, TransitiveTagKeys: []string{tagKey}})
		got, err = url.ParseQuery(role2.Encode())
		if err != nil {
			t.Fatalf("body %q does not parse: %v", role2, err)
		}
		want = url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {role}, "RoleSessionName": {session},
			"ExternalId": {token}, "Tags.member.1.Key": {tagKey}, "Tags.member.1.Value": {tagValue}, "TransitiveTagKeys.member.1": {tagKey}}
		if got.Encode() != want.Encode() {
			t.Fatalf("assume role form\n got  %v\n want %v", got, want)
		}
	})
}
