"""Parse shared config files with botocore 1.43's own loader, for chain's differential test.

Usage: python3 configparse.py FILE...

Prints one JSON object per file, one per line:
  {"ok": true, "raw": {SECTION: {KEY: VALUE}}, "profiles": [...], "services": [...],
   "sso_sessions": [...]}
or {"ok": false, "error": "ExceptionType"} when botocore refuses the file. VALUE is a string, or an
object for a nested block. "raw" is botocore.configloader.raw_config_parse (how the credentials
file is read); the name lists come from botocore.configloader.load_config (how the config file is
read).
"""
import json
import sys

import botocore.configloader as cl


def main():
    for path in sys.argv[1:]:
        try:
            raw = cl.raw_config_parse(path)
            loaded = cl.build_profile_map(raw)
            out = {
                "ok": True,
                "raw": raw,
                "profiles": {k: sorted(v) for k, v in loaded["profiles"].items()},
                "services": sorted(loaded["services"]),
                "sso_sessions": sorted(loaded["sso_sessions"]),
            }
        except Exception as e:  # botocore raises ConfigParseError; anything else is a finding too
            out = {"ok": False, "error": type(e).__name__}
        print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
