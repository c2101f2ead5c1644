package fakests

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sync"
	"time"
)

// maxDocumentSize bounds the discovery and JWKS documents the server reads.
const maxDocumentSize = 1 << 20

// jwksCache holds issuers' signing keys, fetched over HTTP as STS fetches them: the discovery
// document names jwks_uri, which holds the keys.
type jwksCache struct {
	mu       sync.Mutex
	entries  map[string]*jwksEntry  // by issuer URL
	fetching map[string]*sync.Mutex // by issuer URL
}

func (c *jwksCache) fetchLock(issuer string) *sync.Mutex {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fetching == nil {
		c.fetching = map[string]*sync.Mutex{}
	}
	m := c.fetching[issuer]
	if m == nil {
		m = &sync.Mutex{}
		c.fetching[issuer] = m
	}
	return m
}

type jwksEntry struct {
	keys    map[string]*rsa.PublicKey
	fetched time.Time
}

// key returns issuer's key kid ("" when the token has none and the issuer has exactly one key).
// Cached keys younger than the TTL are used; an unknown kid causes one fresh fetch.
func (s *Server) key(ctx context.Context, issuer, kid string) (*rsa.PublicKey, error) {
	s.jwks.mu.Lock()
	e := s.jwks.entries[issuer]
	s.jwks.mu.Unlock()
	if e != nil && s.now().Sub(e.fetched) < s.jwksTTL {
		if k := pick(e.keys, kid); k != nil {
			return k, nil
		}
	}
	// Calls for one issuer fetch one at a time; a caller that waited uses what the one before
	// it fetched (concurrent cold calls cause one fetch, not one each).
	fetchMu := s.jwks.fetchLock(issuer)
	fetchMu.Lock()
	defer fetchMu.Unlock()
	s.jwks.mu.Lock()
	if cur := s.jwks.entries[issuer]; cur != e && cur != nil && s.now().Sub(cur.fetched) < s.jwksTTL {
		if k := pick(cur.keys, kid); k != nil {
			s.jwks.mu.Unlock()
			return k, nil
		}
	}
	s.jwks.mu.Unlock()
	keys, err := s.fetchKeys(ctx, issuer)
	if err != nil {
		return nil, err
	}
	s.jwks.mu.Lock()
	s.jwks.entries[issuer] = &jwksEntry{keys: keys, fetched: s.now()}
	s.jwks.mu.Unlock()
	if k := pick(keys, kid); k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("no key with kid %q", kid)
}

func pick(keys map[string]*rsa.PublicKey, kid string) *rsa.PublicKey {
	if kid == "" && len(keys) == 1 {
		for _, k := range keys {
			return k
		}
	}
	return keys[kid]
}

// ForgetKeys empties the JWKS cache, so the next web identity call fetches keys again.
func (s *Server) ForgetKeys() {
	s.jwks.mu.Lock()
	defer s.jwks.mu.Unlock()
	s.jwks.entries = map[string]*jwksEntry{}
}

func (s *Server) fetchKeys(ctx context.Context, issuer string) (map[string]*rsa.PublicKey, error) {
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := s.getJSON(ctx, issuer+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	if disc.Issuer != issuer {
		return nil, fmt.Errorf("discovery document names issuer %q, not %q", disc.Issuer, issuer)
	}
	if disc.JWKSURI == "" {
		return nil, errors.New("discovery document has no jwks_uri")
	}
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			Use string `json:"use"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := s.getJSON(ctx, disc.JWKSURI, &set); err != nil {
		return nil, err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(n) < 256 || len(e) == 0 || len(e) > 4 {
			continue // unusable, or under 2048 bits
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	if len(keys) == 0 {
		return nil, errors.New("JWKS has no usable RSA signing key")
	}
	return keys, nil
}

func (s *Server) getJSON(ctx context.Context, url string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := s.httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentSize+1))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	if len(body) > maxDocumentSize {
		return fmt.Errorf("GET %s: document over %d bytes", url, maxDocumentSize)
	}
	return json.Unmarshal(body, v)
}
