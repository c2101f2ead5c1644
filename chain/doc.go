// Package chain finds AWS credentials, the region and the STS endpoint the way the AWS CLI v1
// (botocore 1.43) does, from environment variables and the shared config and credentials files,
// and explains how it decided.
//
//	res, err := chain.Resolve(ctx, chain.Options{})   // read env, ~/.aws/config, ~/.aws/credentials
//	if err != nil { ... }                             // errors.As finds a *NoCredentialsError: the full report
//	defer res.Close()
//	creds, err := res.Provider.Retrieve(ctx)          // a credentials.Cache: refreshed ahead of expiry
//	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(res.Region)) // aws-sdk-go-v2
//	cfg.Credentials = credentials.ForSDK(res.Provider)                       // keep its other settings
//
// Resolve reads files and variables but makes no network call; the Provider calls STS when
// credentials are first retrieved. Explain resolves the same way without building providers and
// returns an Explanation: every source considered, the one chosen, why each other was skipped,
// and the file and line (or variable) every value came from. Neither ever shows a secret.
//
// # Sources, in the AWS CLI's order
//
//  1. Environment variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (or
//     AWS_SECURITY_TOKEN). Skipped when Options.Profile is set (like aws --profile), not when
//     AWS_PROFILE is.
//  2. Assume role: the profile has role_arn (and no web_identity_token_file). The source is
//     source_profile (a chain of any depth) or credential_source = Environment, EcsContainer or
//     Ec2InstanceMetadata. mfa_serial is not supported (the AWS CLI would prompt for a code): an
//     error.
//  3. Web identity: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME, each
//     falling back to the profile's web_identity_token_file, role_arn, role_session_name
//     (the variables are ignored when Options.Profile is set).
//  4. IAM Identity Center (SSO): the profile has sso_account_id or sso_role_name, with
//     sso_session naming an [sso-session NAME] section (sso_start_url, sso_region), or the legacy
//     sso_start_url and sso_region in the profile. The access token "aws sso login" cached in
//     ~/.aws/sso/cache is read on every refresh and exchanged at the portal's GetRoleCredentials
//     (AWS_ENDPOINT_URL_SSO, the services section's "sso" block and endpoint_url apply); an
//     sso-session's token within 15 minutes of expiry is refreshed first, as botocore does, with
//     its refresh token at SSO OIDC's CreateToken (AWS_ENDPOINT_URL_SSO_OIDC, the "sso_oidc"
//     block) and written back to the cache file; an expired token that cannot be refreshed, or a
//     refused one, is an error that names the "aws sso login" command to run.
//  6. Console login: not supported; a profile that configures it is an error naming the key,
//     file and line, never a silent fall-through to the next source.
//  5. The credentials file's [NAME] section, then 8. the config file's [profile NAME] section:
//     aws_access_key_id, aws_secret_access_key, aws_session_token.
//  7. credential_process: the command is split as botocore splits it and run without a shell
//     (credentials.NewProcess) each time the credentials are retrieved, never by Resolve or
//     Explain; its errors name the profile, file and line. A value continued on an indented line
//     is an error (botocore joins the lines).
//  9. Then the AWS CLI would try the EC2 CLI credential file and boto2 files, which chain does not
//     implement.
//  10. Container credentials (ECS, EKS Pod Identity): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (a
//     path on http://169.254.170.2), else AWS_CONTAINER_CREDENTIALS_FULL_URI, with the
//     Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read on every refresh)
//     or AWS_CONTAINER_AUTHORIZATION_TOKEN; see credentials.NewContainer for the hosts allowed.
//     The requests use a client of their own, without a proxy (Options.HTTPClient is for STS).
//  11. EC2 instance metadata (IMDSv2, with botocore's IMDSv1 fallback): AWS_EC2_METADATA_DISABLED,
//     AWS_EC2_METADATA_SERVICE_ENDPOINT,
//     AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE, AWS_EC2_METADATA_V1_DISABLED,
//     AWS_METADATA_SERVICE_TIMEOUT, AWS_METADATA_SERVICE_NUM_ATTEMPTS and their profile keys.
//     Resolve still makes no request: instance metadata is chosen when nothing else is configured
//     and it is not disabled, and the first Retrieve asks it (1 s and 1 attempt by default, so a
//     machine without it pays a refused connection, or 2 s when the address drops packets: the
//     token request, then the IMDSv1 one). Only with AWS_EC2_METADATA_DISABLED=true does a
//     configuration without credentials end in a *NoCredentialsError.
//
// A source profile with keys (or without role_arn) gives its own credentials (web identity,
// keys or credential_process); otherwise its role is assumed in turn. A profile may name itself
// as source_profile when it holds keys. A loop is an error that prints it ("a -> b -> a").
//
// The profile is chosen as Options.Profile says. One that is named but exists in neither file is
// an error even when environment keys are set, as in the AWS CLI.
//
// # Fail closed
//
// A process meant to use web identity (IRSA) never gets the node's or the container's role
// instead: when AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE is set (even blank, even when ignored
// because Options.Profile names a profile) or the profile in use has web_identity_token_file, and
// no source before container credentials had credentials, Resolve returns a *ConfigError that names
// the setting and why web identity could not be used, and goes no further. botocore goes on to
// container credentials and instance metadata in these cases.
//
// # Region and STS endpoint
//
// The region is chosen as Options.Region says (AWS_REGION first, unlike botocore). Without a
// region, STS is called at its global endpoint, as botocore does.
//
// The endpoint settings come from the profile in use and apply to every hop of a chain:
// AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the "sts" block of the profile's [services NAME]
// section, the profile's endpoint_url (all ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or
// ignore_configured_endpoint_urls is true); AWS_STS_REGIONAL_ENDPOINTS or
// sts_regional_endpoints; AWS_USE_FIPS_ENDPOINT or use_fips_endpoint; AWS_USE_DUALSTACK_ENDPOINT
// or use_dualstack_endpoint. credentials.ResolveEndpoint turns them into a URL.
//
// The CA bundle is AWS_CA_BUNDLE, else the profile's ca_bundle, used as written (botocore expands
// neither "~" nor variables in it); as in botocore and aws-sdk-go-v2, its certificates replace the
// system's roots for the default STS client (Result.RootCAs has them for other requests).
//
// # Files
//
// The files are parsed as botocore parses them (Python's configparser): "=" or ":" separates
// key and value; keys are case-insensitive; '#' and ';' start comment lines only, so
// "region = us-east-1 # prod" has the value "us-east-1 # prod"; an indented line continues the
// previous value, and a value that starts on the next line ("sts =" then indented lines) is a
// nested block; [DEFAULT] keys apply to every section of their file; the same section or key
// twice in one file, and a UTF-8 byte order mark, make the file invalid. Profiles are
// [default] and [profile NAME] in the config file (of the two spellings of default the later
// wins) and [NAME] in the credentials file; for the same profile the credentials file's keys win.
// Files larger than 1 MiB are refused. A parse error is a *ParseError with
// the file and line, and stops resolution even when the environment holds keys, as in the AWS CLI.
//
// # Where chain differs from botocore
//
// Besides AWS_REGION and failing closed: an environment variable set to "" or to white space only counts as unset
// (botocore uses the value: a blank AWS_ACCESS_KEY_ID is its access key ID, and every request it
// signs then fails; credentials.Env applies the same rule); a boolean setting
// other than true or false (in any case) is an error where botocore reads false; duration_seconds
// outside 900–43200 is an error here rather than at STS (botocore, like chain, ignores a value that
// is not a whole number); a config file that exists but cannot be read is an error where botocore
// reads it as empty; session names that are not configured are generated by the credentials
// package (botocore uses "botocore-session-<unix time>"); AssumeRole steps lower a
// duration_seconds above one hour to one hour when the source is itself a role session, where
// STS would refuse it; AWS_EC2_METADATA_DISABLED other than true or false is an error, and so are
// a metadata_service_timeout outside 1–300 s and metadata_service_num_attempts outside 1–10
// (botocore takes any whole number). The compatibility scenarios in this package's tests run every case
// through both chain and botocore.
package chain
