// Command proxy is an example LLM proxy: it forwards requests to an
// OpenAI-style upstream, prices each response from its usage object,
// stamps cost and owner headers on it (X-Llmcost-Cost-Usd,
// X-Llmcost-Team, X-Llmcost-User, X-Llmcost-Feature, X-Llmcost-Model)
// and accumulates a rollup served as JSON at /costs.
//
//	proxy -listen 127.0.0.1:8080 -upstream http://127.0.0.1:9000
//
// Owners come from the caller's X-Team, X-User and X-Feature headers.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"

	"llmcost.dev/go/llmcost"
)

// Costs stamps responses and keeps the rollup.
type Costs struct {
	Prices *llmcost.Prices
	Rollup *llmcost.Rollup
}

type owner struct{ team, user, feature string }

type ownerKey struct{}

// stamp prices one upstream response and sets the cost headers.
func (c *Costs) stamp(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var head struct {
		Model string          `json:"model"`
		Usage json.RawMessage `json:"usage"`
	}
	if json.Unmarshal(body, &head) != nil || head.Usage == nil {
		return nil
	}
	who, _ := resp.Request.Context().Value(ownerKey{}).(owner)
	req := &llmcost.Request{Model: head.Model, Team: who.team,
		User: who.user, Feature: who.feature,
		StatusCode: int32(resp.StatusCode)}
	cost, err := c.Prices.StampUsage(c.Rollup, req,
		llmcost.UsageOpenaiChat, head.Usage)
	h := resp.Header
	h.Set("X-Llmcost-Team", who.team)
	h.Set("X-Llmcost-User", who.user)
	h.Set("X-Llmcost-Feature", who.feature)
	h.Set("X-Llmcost-Model", head.Model)
	if cost.Priced() {
		h.Set("X-Llmcost-Cost-Usd", cost.Total.String())
	} else {
		h.Set("X-Llmcost-Cost-Usd", "unpriced")
		h.Set("X-Llmcost-Note", cost.Note())
	}
	if err != nil && !cost.Priced() {
		log.Printf("proxy: %s: %v", head.Model, err)
	}
	return nil
}

// ServeCosts writes the rollup's groups as JSON.
func (c *Costs) ServeCosts(w http.ResponseWriter, r *http.Request) {
	groups, err := c.Rollup.Groups()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out := make([]map[string]any, 0, len(groups))
	for _, g := range groups {
		row := map[string]any{"requests": g.Requests,
			"unpriced_requests": g.UnpricedRequests,
			"cost_usd":          g.Total.String(),
			"input_tokens":      g.Tokens["input"],
			"output_tokens":     g.Tokens["output"]}
		for k, v := range g.Keys {
			row[k] = v
		}
		out = append(out, row)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// Handler returns the proxy: /costs, and everything else to upstream.
func (c *Costs) Handler(upstream *url.URL) http.Handler {
	rp := httputil.NewSingleHostReverseProxy(upstream)
	rp.ModifyResponse = c.stamp
	mux := http.NewServeMux()
	mux.HandleFunc("/costs", c.ServeCosts)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		who := owner{r.Header.Get("X-Team"), r.Header.Get("X-User"),
			r.Header.Get("X-Feature")}
		ctx := r.Context()
		rp.ServeHTTP(w, r.WithContext(contextWith(ctx, who)))
	})
	return mux
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve")
	up := flag.String("upstream", "http://127.0.0.1:9000", "LLM API")
	flag.Parse()
	target, err := url.Parse(*up)
	if err != nil {
		log.Fatal(err)
	}
	prices, err := llmcost.Open()
	if err != nil {
		log.Fatal(err)
	}
	rollup, err := llmcost.NewRollup(llmcost.Grouping{
		Dims: []string{"team", "user", "feature", "model"}})
	if err != nil {
		log.Fatal(err)
	}
	c := &Costs{Prices: prices, Rollup: rollup}
	log.Fatal(http.ListenAndServe(*listen, c.Handler(target)))
}
