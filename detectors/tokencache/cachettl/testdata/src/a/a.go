package a

import (
	"context"
	"sync"
	"time"

	"github.com/allegro/bigcache/v3"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/dgraph-io/ristretto/v2"
	"github.com/jellydator/ttlcache/v3"
	"github.com/patrickmn/go-cache"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

var cc = &clientcredentials.Config{ClientID: "id"}

// A plain map of tokens per audience, never checked.
var tokens = map[string]*oauth2.Token{}

func TokenFor(ctx context.Context, aud string) (*oauth2.Token, error) {
	if t, ok := tokens[aud]; ok {
		return t, nil
	}
	t, err := cc.Token(ctx)
	if err != nil {
		return nil, err
	}
	tokens[aud] = t // want `\*oauth2\.Token from Token is cached in map tokens with no expiry`
	return t, nil
}

// sync.Map in a struct.
type Broker struct {
	client *sts.Client
	creds  sync.Map
}

func (b *Broker) For(ctx context.Context, role string) (*sts.AssumeRoleOutput, error) {
	if v, ok := b.creds.Load(role); ok {
		return v.(*sts.AssumeRoleOutput), nil
	}
	out, err := b.client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role)})
	if err != nil {
		return nil, err
	}
	b.creds.Store(role, out) // want `cached in sync\.Map creds with no expiry`
	return out, nil
}

// go-cache: NoExpiration, a default of "never", and a TTL longer than the
// STS session.
var (
	gc       = cache.New(cache.NoExpiration, 10*time.Minute)
	gcHour   = cache.New(2*time.Hour, 10*time.Minute)
	stsCalls *sts.Client
)

func GoCache(ctx context.Context) {
	t, _ := cc.Token(ctx)
	gc.Set("tok", t, cache.NoExpiration) // want `cached in go-cache with no expiration`
	gc.SetDefault("tok", t)              // want `cached in go-cache with no expiration`

	out, _ := stsCalls.AssumeRole(ctx, &sts.AssumeRoleInput{})
	gcHour.Set("creds", out, cache.DefaultExpiration) // want `sts\.AssumeRoleOutput credentials from AssumeRole lives 1h but is cached in go-cache for 2h`
	gc.Set("creds", out, 90*time.Minute)              // want `lives 1h but is cached in go-cache for 1h30m`
}

// ristretto: Set has no TTL at all.
var rc, _ = ristretto.NewCache(&ristretto.Config[string, *oauth2.Token]{NumCounters: 1e4, MaxCost: 1 << 20, BufferItems: 64})

func Ristretto(ctx context.Context) {
	t, _ := cc.Token(ctx)
	rc.Set("tok", t, 1)           // want `ristretto cache with Set, which has no TTL`
	rc.SetWithTTL("tok", t, 1, 0) // want `cached in ristretto with no expiration`
	rc.SetWithTTL("tok", t, 1, time.Until(t.Expiry)-time.Minute)
}

// ttlcache: no WithTTL, NoTTL, and touch-on-hit.
var (
	tc      = ttlcache.New[string, *oauth2.Token]()
	tcTouch = ttlcache.New[string, *oauth2.Token](ttlcache.WithTTL[string, *oauth2.Token](30 * time.Minute))
	tcGood  = ttlcache.New[string, *oauth2.Token](ttlcache.WithTTL[string, *oauth2.Token](30*time.Minute), ttlcache.WithDisableTouchOnHit[string, *oauth2.Token]())
)

func TTLCache(ctx context.Context) {
	t, _ := cc.Token(ctx)
	tc.Set("tok", t, ttlcache.DefaultTTL)      // want `cached in ttlcache with no expiration`
	tcGood.Set("tok", t, ttlcache.NoTTL)       // want `cached in ttlcache with no expiration`
	tcTouch.Set("tok", t, ttlcache.DefaultTTL) // want `ttlcache created without WithDisableTouchOnHit`
	tcGood.Set("tok", t, ttlcache.DefaultTTL)
	tcGood.Set("tok", t, time.Until(t.Expiry))
}

// bigcache with a life window longer than the STS session.
var bc, _ = bigcache.New(context.Background(), bigcache.DefaultConfig(24*time.Hour))

func BigCache(ctx context.Context) {
	out, _ := stsCalls.AssumeRole(ctx, &sts.AssumeRoleInput{DurationSeconds: aws.Int32(3600)})
	bc.Set("session", []byte(*out.Credentials.SessionToken)) // want `lives 1h but is cached in bigcache \(LifeWindow\) for 24h`
}
