package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"llmcost.dev/go/llmcost"
)

// upstream mocks an OpenAI-style API on loopback.
func upstream() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter,
		r *http.Request) {
		fmt.Fprint(w, `{"id":"x","model":"gpt-4o","usage":{`+
			`"prompt_tokens":1000,"completion_tokens":500,`+
			`"total_tokens":1500,`+
			`"prompt_tokens_details":{"cached_tokens":200}}}`)
	}))
}

func TestProxyStampsHeadersAndServesCosts(t *testing.T) {
	up := upstream()
	defer up.Close()
	target, _ := url.Parse(up.URL)
	prices, err := llmcost.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer prices.Close()
	rollup, _ := llmcost.NewRollup(llmcost.Grouping{
		Dims: []string{"team", "model"}})
	defer rollup.Close()
	proxy := httptest.NewServer((&Costs{prices, rollup}).Handler(target))
	defer proxy.Close()

	for i := 0; i < 3; i++ {
		req, _ := http.NewRequest("POST", proxy.URL+"/v1/chat/completions",
			nil)
		req.Header.Set("X-Team", "search")
		req.Header.Set("X-User", "ana")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		// gpt-4o today: 800 * 2.50 + 200 * 1.25 + 500 * 10 per million.
		if got := resp.Header.Get("X-Llmcost-Cost-Usd"); got != "0.00725" {
			t.Fatalf("cost header %q", got)
		}
		if resp.Header.Get("X-Llmcost-Team") != "search" ||
			resp.Header.Get("X-Llmcost-User") != "ana" {
			t.Fatalf("owner headers %v", resp.Header)
		}
	}
	resp, err := http.Get(proxy.URL + "/costs")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rows []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["team"] != "search" ||
		rows[0]["cost_usd"] != "0.02175" || rows[0]["requests"] != 3.0 {
		t.Fatalf("costs %v", rows)
	}
}
