package chain

// The credential_process scenarios (at the end of scenarios) run this helper, a /bin/sh script
// written into the scenario's home directory, through sh, so that the file needs no execute
// permission. It prints the keys of user/process, which the fake STS knows.

const keyProcess = "AKIAPROCESSUSER00001" // user/process

func init() { scenarioUsers[keyProcess] = "process" }

// processLine is a credential_process setting that runs the helper processFiles writes.
const processLine = "credential_process = sh '{HOME}/creds.sh'\n"

// processScript is a script that prints user/process's keys and the JSON fields in extra.
func processScript(extra string) string {
	return `printf '%s\n' '{"Version": 1, "AccessKeyId": "` + keyProcess + `", "SecretAccessKey": "process-secret"` + extra + `}'` + "\n"
}

// processFiles returns the scenario files for processLine.
func processFiles(extra ...string) map[string]string {
	e := ""
	if len(extra) > 0 {
		e = extra[0]
	}
	return map[string]string{"creds.sh": processScript(e)}
}
