// Command irsa gives AWS credentials from a Kubernetes web identity (IRSA), or from any source
// the AWS CLI's chain would use, to programs that are not written in Go: shell tools, backup
// scripts, anything that reads AWS_ACCESS_KEY_ID and friends or a credential_process.
//
// It started with s3cmd, which does not speak AssumeRoleWithWebIdentity: before, a pod ran a
// hand-patched Config.py that called STS itself; after, it runs
//
//	irsa exec -- s3cmd ls
//
// and s3cmd sees ordinary session credentials.
//
// Install it with
//
//	go install github.com/irsa-go/irsa/cmd/irsa@latest
//
// Credentials are resolved with chain.Resolve, which reads the same environment variables and
// ~/.aws/config and ~/.aws/credentials profiles as the AWS CLI; --profile and --region mean
// what they mean to the AWS CLI. Subcommands:
//
//	irsa explain [--profile P] [--region R]
//	    How credentials, region and STS endpoint would be found (chain.Explain); nothing is
//	    fetched. Exits 0 when credentials would be found, 1 otherwise.
//	irsa credential-process [--profile P] [--region R]
//	    The AWS CLI's credential_process JSON (Version 1), so a profile can say
//	    credential_process = irsa credential-process --profile a
//	irsa env [--format sh|json|dotenv] [--profile P] [--region R]
//	    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
//	    AWS_DEFAULT_REGION and AWS_CREDENTIAL_EXPIRATION, for eval "$(irsa env)". They do not
//	    refresh: a warning on stderr says when they expire.
//	irsa exec [--server] [--profile P] [--region R] -- CMD [ARG...]
//	    Runs CMD with those variables, and without the ones that would make an AWS tool resolve
//	    credentials again (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE, ...).
//	    SIGINT, SIGTERM, SIGHUP and SIGQUIT are passed on to CMD; irsa exits with CMD's status,
//	    or 128+N when CMD was killed by signal N, as shells report it.
//	    With --server, CMD gets AWS_CONTAINER_CREDENTIALS_FULL_URI and
//	    AWS_CONTAINER_AUTHORIZATION_TOKEN instead of keys: an endpoint like irsa serve's, on
//	    127.0.0.1 with a fresh random token, runs for CMD's lifetime, so that an AWS SDK in CMD
//	    gets refreshed credentials for as long as it runs. Only failed refreshes are logged.
//	irsa serve [--listen 127.0.0.1:PORT] (--write-token-file F | --token-file F) [--profile P] [--region R]
//	    The container credentials endpoint of ECS and EKS Pod Identity, which every AWS SDK and
//	    the AWS CLI use when AWS_CONTAINER_CREDENTIALS_FULL_URI is set: run it as a sidecar or
//	    in the background, and give clients
//	        AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:8901/v1/credentials
//	        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=F
//	    It answers GET /v1/credentials only with the authorization token in the Authorization
//	    header (401 without, 403 with another; JSON {"code", "message"}), from a credentials.Cache
//	    that it refreshes ahead of expiry, so no client waits for STS while credentials are good;
//	    a failed refresh keeps the valid credentials served. GET /healthz needs no token and
//	    answers 200 while valid credentials are cached, 503 otherwise. The token is generated
//	    (--write-token-file: 43 random base64url characters, written atomically with mode 0600, so
//	    only the same user can read it, and no newline; removed at exit) or given (--token-file, or IRSA_SERVE_TOKEN): at least 16
//	    printable ASCII characters, no newline, since clients send the file as it is. It listens
//	    on loopback only unless --allow-non-loopback. Logs go to stderr (log/slog, --log-format
//	    text or json): start, stop, refused requests and one line per refresh with the access key
//	    ID, expiry and error; never a token or a secret. SIGINT or SIGTERM stop it cleanly.
//	irsa doctor [--profile P] [--region R] [--json] [--trust-policy FILE]
//	    Checks an IRSA or EKS Pod Identity setup from inside the pod and says how to fix what
//	    is wrong; see below.
//
// Doctor runs these checks in order, each a finding with status ok, warn, fail or skip (an
// earlier failure left nothing to check): "environment", the variables EKS's pod identity
// webhook injects (and the container credentials variables, when set) and what chain.Explain
// would use, with a warning when both IRSA's and EKS Pod Identity's variables are set (the web
// identity comes first, as in botocore's order, so the pod identity association is not used);
// "token-file", that the token file exists, is a regular file this process can read (else the
// securityContext.fsGroup hint) and has a plausible size; "token-claims", the token's iss,
// sub, aud, exp, iat, nbf and kubernetes.io namespace, service account and pod, and whether it
// is expired or not yet valid (the token itself is never printed). When a container
// credentials variable is set (EKS Pod Identity, ECS, irsa serve): "container-endpoint", the
// endpoint's URL checked against the AWS SDKs' rule (over http only loopback and the agents'
// addresses), and whose it is; "container-token", the authorization token file (exists, a
// regular file this process can read, not empty, no final newline or other line break, and,
// when it is a projected service account token, its subject, audience and expiry) or that
// AWS_CONTAINER_AUTHORIZATION_TOKEN is set (never its value). Then "clock-skew", this
// machine's clock against the Date of an answer from the STS endpoint (warn over 1 minute,
// fail over 5; skipped when the credentials do not come from STS); "region-endpoint", the
// region and STS endpoint chosen and why; "credentials", one finding per step of the chain: a
// real AssumeRoleWithWebIdentity, or a real call to the container endpoint (the access key ID,
// expiry and account it served, or why it failed: the EKS Pod Identity Agent not running,
// the token refused, the agent unable to get credentials), then each AssumeRole hop of a
// chained profile; with --trust-policy, "trust-policy": the role's trust policy (the JSON of
// aws iam get-role, its Role object, or the policy document, also URL-encoded) evaluated
// offline against the token's claims, naming the exact mismatch, such as "the policy allows
// system:serviceaccount:default:s3-echoer, this pod is system:serviceaccount:default:app".
// Statements that cannot apply to a web identity (an EC2 or AWS-account principal, another
// action) are skipped and listed; a statement that could decide and uses what doctor does not
// evaluate (NotPrincipal, StringNotEquals, Bool, …) makes the finding a warning saying the
// verdict is unknown, and which statement.
// Doctor exits 0 when no check failed (warnings allowed), 1 otherwise. With --json it prints
//
//	{"ok": false, "findings": [{"check": "token-claims", "status": "fail",
//	  "summary": "…", "details": ["…"], "fix": "…"}, …]}
//
// where details and fix are left out when empty. Field names and check names are stable; new
// fields or checks may be added.
//
// Exit statuses: 0 success; 1 no credentials or another failure, explained on stderr; 2 a
// mistake on the command line; for exec, CMD's status (126 when CMD cannot be run, 127 when it
// is not found). Nothing irsa writes to stderr contains a secret.
//
// Credentials given by env and exec are a snapshot: a program that runs longer than they last
// (usually an hour) must be restarted, or run with exec --server or against irsa serve.
package main
