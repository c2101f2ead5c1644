package credentials

import (
	"context"
	"time"
)

// SetContainerSleep replaces the backoff sleep of a provider NewContainer returned, for tests
// outside the package.
func SetContainerSleep(p Provider, sleep func(context.Context, time.Duration) error) {
	p.(*container).state().get.sleep = sleep
}
