package chain

import (
	"fmt"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
)

// The variables of container credentials (ECS, EKS Pod Identity), as credentials.NewContainer
// reads them.
const (
	envContainerRelativeURI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
	envContainerFullURI     = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	envContainerToken       = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
	envContainerTokenFile   = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
)

// containerSource is botocore's ContainerProvider, tried after the boto2 config file and before
// instance metadata: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, else AWS_CONTAINER_CREDENTIALS_FULL_URI.
func (r *resolver) containerSource(report func(SourceReport)) (bool, error) {
	const name = "container credentials"
	if r.env(envContainerRelativeURI) == "" && r.env(envContainerFullURI) == "" {
		report(SourceReport{Name: name, Status: Skipped, Reason: "neither " + envContainerRelativeURI + " (ECS) nor " + envContainerFullURI + " (EKS Pod Identity) is set"})
		return false, nil
	}
	from, err := r.containerStep("")
	if err != nil {
		return failed(report, name, err)
	}
	report(SourceReport{Name: name, Status: Chosen, Reason: from + " is set"})
	return true, nil
}

// containerStep adds the step that gets container credentials, for the container source or for
// credential_source = EcsContainer in profile, and returns the variable that gave the endpoint.
// The settings are checked by building the provider (no request is made), so that a URL the
// rules refuse fails here, with the step.
func (r *resolver) containerStep(profile string) (string, error) {
	step := Step{Kind: StepContainer, Profile: profile}
	from := envContainerRelativeURI
	if rel := r.env(envContainerRelativeURI); rel != "" {
		step.Settings = append(step.Settings, Setting{Name: from, Value: redact.Clip(rel, 200), From: "env"})
		if r.env(envContainerFullURI) != "" {
			r.note("%s is set but ignored: %s comes first, as in the AWS CLI", envContainerFullURI, envContainerRelativeURI)
		}
	} else {
		from = envContainerFullURI
		step.Settings = append(step.Settings, Setting{Name: from, Value: redact.Clip(redact.URLUserinfo(r.env(from)), 200), From: "env"})
	}
	switch {
	case r.env(envContainerTokenFile) != "":
		step.Settings = append(step.Settings, Setting{Name: envContainerTokenFile, Value: r.env(envContainerTokenFile), From: "env"})
		if r.env(envContainerToken) != "" {
			r.note("%s is set but ignored: the token file %s names comes first, as in the AWS CLI", envContainerToken, envContainerTokenFile)
		}
	case r.env(envContainerToken) != "":
		step.Settings = append(step.Settings, Setting{Name: envContainerToken, Value: "[set]", From: "env"})
	}
	if _, err := credentials.NewContainer(r.containerOptions()); err != nil {
		return "", &stepError{Step: step, Index: len(r.exp.Steps), Err: err}
	}
	r.add(step)
	return from, nil
}

// containerOptions configures the container provider: the environment chain reads, and its own
// HTTP client (Options.HTTPClient is the STS client's).
func (r *resolver) containerOptions() credentials.ContainerOptions {
	return credentials.ContainerOptions{Getenv: r.opts.Getenv, RelativeURIHost: r.opts.containerHost}
}

// containerEndpoint is the endpoint a container step names, for Step.describe.
func containerEndpoint(s Step) string {
	for _, set := range s.Settings {
		switch set.Name {
		case envContainerRelativeURI:
			return "http://169.254.170.2" + set.Value
		case envContainerFullURI:
			return set.Value
		}
	}
	return "(no endpoint)"
}

// containerCredentialSource is credential_source = EcsContainer: botocore's ContainerProvider
// as the role's source, an error when neither variable is set.
func (r *resolver) containerCredentialSource(profile string, cs *setting) error {
	if r.env(envContainerRelativeURI) == "" && r.env(envContainerFullURI) == "" {
		return cs.invalid(profile, fmt.Sprintf("credential_source = EcsContainer but neither %s nor %s is set (ECS and EKS Pod Identity set one of them)", envContainerRelativeURI, envContainerFullURI))
	}
	_, err := r.containerStep(profile)
	return err
}
