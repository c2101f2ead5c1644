package chain

import (
	"fmt"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/shlex"
)

const keyCredentialProcess = "credential_process"

// processSource is botocore's ProcessProvider for profile name: the profile's credential_process
// command, run by the provider on every refresh (never while resolving). The command is checked
// here so that an error names the file and line.
func (r *resolver) processSource(name string, report func(SourceReport)) (bool, error) {
	s := r.files.profiles[name].get(keyCredentialProcess)
	if s == nil {
		report(SourceReport{Name: keyCredentialProcess, Status: Skipped, Reason: fmt.Sprintf("profile %s has no credential_process", name)})
		return false, nil
	}
	command, err := plainValue(name, s)
	if err == nil {
		var words []string
		switch words, err = shlex.SplitCommand(command); {
		case err != nil:
			err = s.invalid(name, "the command has an unclosed quote or ends with a backslash")
		case len(words) == 0:
			err = s.invalid(name, "the command is empty")
		}
	}
	if err != nil {
		return failed(report, keyCredentialProcess, err)
	}
	r.add(Step{Kind: StepProcess, Profile: name, Settings: []Setting{{Name: keyCredentialProcess, Value: command, From: s.where()}}})
	report(SourceReport{Name: keyCredentialProcess, Status: Chosen, Reason: fmt.Sprintf("profile %s has credential_process (%s)", name, s.where())})
	return true, nil
}

// processProvider makes the provider of a StepProcess step.
func processProvider(s Step) (credentials.Provider, error) {
	set := s.Settings[0]
	return credentials.NewProcess(credentials.ProcessOptions{
		Command: set.Value,
		Setting: fmt.Sprintf("profile %s, %s", s.Profile, set.From),
	})
}
