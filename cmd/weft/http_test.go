package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// httpGet is the script command
//
//	httpget [-token none|wrong] [-host H] [-o FILE] LOGIN_URL PATH
//
// It GETs PATH from the API that LOGIN_URL (as weft ui prints it) names,
// with its token as a bearer token, and prints "status N" and the body on
// stdout (with -o, the body alone goes to FILE). It fails on a status of
// 400 or more (negate it to want one).
func httpGet(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("httpget", flag.ContinueOnError)
	tokenMode := fs.String("token", "", "none or wrong")
	host := fs.String("host", "", "Host header to send")
	out := fs.String("o", "", "write the body to this file")
	if err := fs.Parse(args); err != nil || fs.NArg() != 2 {
		ts.Fatalf("usage: httpget [-token none|wrong] [-host H] [-o FILE] LOGIN_URL PATH")
	}
	base, token, ok := strings.Cut(fs.Arg(0), "/#token=")
	if !ok {
		ts.Fatalf("httpget: %q is not a login URL", fs.Arg(0))
	}
	switch *tokenMode {
	case "none":
		token = ""
	case "wrong":
		token = "wrong" + token
	}
	req, err := http.NewRequest("GET", base+fs.Arg(1), nil)
	ts.Check(err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if *host != "" {
		req.Host = *host
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if *out != "" {
		ts.Check(os.WriteFile(ts.MkAbs(*out), body, 0o600))
		body = nil
	}
	fmt.Fprintf(ts.Stdout(), "status %d\n%s", resp.StatusCode, body)
	if failed := resp.StatusCode >= 400; failed != neg {
		ts.Fatalf("httpget %s: status %d", fs.Arg(1), resp.StatusCode)
	}
}
