package chain

import (
	"context"
	"testing"
	"time"
)

// Without an injected clock, the caches Resolve builds get no clock either, so they use the
// clock-free fresh path (credentials.Cache treats CacheOptions.Now as an injected clock). With
// Options.Now set, the caches follow that clock (tests rely on it).
func TestResolveGivesTheCachesAClockOnlyWhenOneIsInjected(t *testing.T) {
	o, err := Options{}.normalized()
	if err != nil {
		t.Fatal(err)
	}
	if o.Cache.Now != nil {
		t.Fatal("Options without Now must leave Cache.Now nil, or every cache loses its clock-free fresh path")
	}
	if o.Now == nil {
		t.Fatal("the providers still need a clock: Now must default to time.Now")
	}

	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_CREDENTIAL_EXPIRATION": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}
	home := t.TempDir()
	getenv := func(k string) string { return env[k] }

	res, err := Resolve(context.Background(), Options{Getenv: getenv, HomeDir: home})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if _, err := res.Provider.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if allocs := testing.AllocsPerRun(100, func() { _, _ = res.Provider.Retrieve(context.Background()) }); allocs != 0 {
		t.Fatalf("fresh Retrieve allocates %.0f times", allocs)
	}

	// A clock fixed two hours ahead: the same credentials are expired by it.
	later := func() time.Time { return time.Now().Add(2 * time.Hour) }
	res2, err := Resolve(context.Background(), Options{Getenv: getenv, HomeDir: home, Now: later})
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Close()
	_, err = res2.Provider.Retrieve(context.Background())
	if err == nil {
		t.Fatal("credentials expired by the injected clock were served: the cache does not follow Options.Now")
	}
	if st := res.Provider.Status(); st.State != "fresh" {
		t.Fatalf("real-clock cache state %v, want fresh", st.State)
	}
}
