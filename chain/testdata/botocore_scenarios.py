"""Run chain's compatibility scenarios through botocore 1.43 (the AWS CLI v1's core).

chain's scenario test (scenario_peer_test.go) writes each scenario's files into its own
directory and sends a JSON list on stdin, one object per scenario:

    {"name": ..., "env": {VAR: VALUE}, "profile": NAME or "", "sts": "http://127.0.0.1:PORT",
     "sso": "http://127.0.0.1:PORT" (the fake IAM Identity Center portal)}

For each scenario, in order, this script replaces the whole process environment with "env"
(which the test builds from a clean slate: HOME is the scenario's directory,
AWS_EC2_METADATA_DISABLED=true, nothing from the machine), creates a botocore Session, sets
the profile like `aws --profile NAME` when "profile" is given, and loads credentials, which makes
botocore call STS as the AWS CLI would.

No request leaves the machine: a before-send hook takes every request botocore is about to send,
records the URL botocore chose (so the real endpoint decision is visible), and forwards it to the
fake STS at "sts" on 127.0.0.1 with the original Host header (the fake checks SigV4 against it),
returning the fake's answer to botocore.

It prints one JSON object per scenario, one per line:

    {"name": ..., "urls": [URL of each STS request],
     "sso_urls": [URL of each portal request, without its query], "region": REGION or null,
     "method": botocore's credential provider name or null, "access_key": ACCESS KEY ID or null,
     "error": null or {"type": EXCEPTION CLASS, "message": TEXT}}

"error.type" is "NoCredentials" when botocore found no credentials at all. The region is
validated the way every AWS CLI command does (InvalidRegionError).
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

import botocore.credentials
import botocore.session
import botocore.tokens
import botocore.utils
from botocore.awsrequest import AWSResponse


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **kwargs):
        yield self._body


def _forwarder(sts, urls, sso=None, sso_urls=None):
    def forward(request, **kwargs):
        parsed = urllib.parse.urlsplit(request.url)
        target = urllib.parse.urlsplit(sts)
        if sso and parsed.path.startswith("/federation/"):
            # The IAM Identity Center portal's GetRoleCredentials goes to the fake portal.
            sso_urls.append(urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, parsed.path, "", "")))
            target = urllib.parse.urlsplit(sso)
        elif sso and parsed.path == "/token":
            # SSO OIDC CreateToken (the access token's refresh): the fake portal serves it too.
            target = urllib.parse.urlsplit(sso)
        else:
            urls.append(request.url)
        # Whatever host botocore chose, the request goes to the fake on 127.0.0.1.
        url = urllib.parse.urlunsplit(("http", target.netloc, parsed.path or "/", parsed.query, ""))
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        req = urllib.request.Request(url, data=body, method=request.method)
        for k, v in request.headers.items():
            if isinstance(v, bytes):
                v = v.decode("utf-8")
            req.add_header(k, v)
        req.add_header("Host", parsed.netloc)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, headers, data = resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as e:
            status, headers, data = e.code, dict(e.headers), e.read()
        return AWSResponse(request.url, status, headers, _Raw(data))

    return forward


def run(sc):
    os.environ.clear()
    os.environ.update(sc["env"])
    urls, sso_urls = [], []
    out = {"name": sc["name"], "urls": urls, "sso_urls": sso_urls, "region": None, "method": None, "access_key": None, "error": None}
    # botocore reads HOME for the SSO token cache directory once, at import; each scenario is a
    # fresh AWS CLI process with its own HOME.
    sso_cache = os.path.expanduser(os.path.join("~", ".aws", "sso", "cache"))
    botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR = sso_cache
    botocore.tokens.SSOTokenProvider._SSO_TOKEN_CACHE_DIR = sso_cache
    try:
        session = botocore.session.Session()
        if sc.get("profile"):
            session.set_config_variable("profile", sc["profile"])
        session.register("before-send", _forwarder(sc["sts"], urls, sc.get("sso"), sso_urls))
        creds = session.get_credentials()
        region = session.get_config_variable("region")
        botocore.utils.validate_region_name(region)
        out["region"] = region
        if creds is None:
            out["error"] = {"type": "NoCredentials", "message": "no credentials"}
            return out
        frozen = creds.get_frozen_credentials()
        out["method"] = creds.method
        out["access_key"] = frozen.access_key
    except Exception as e:  # the scenario records which exception botocore raises
        out["error"] = {"type": type(e).__name__, "message": str(e)}
    return out


def main():
    scenarios = json.load(sys.stdin)
    for sc in scenarios:
        print(json.dumps(run(sc)), flush=True)


if __name__ == "__main__":
    main()
