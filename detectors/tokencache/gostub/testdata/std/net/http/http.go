// Package http is a stub for sprawl's single-file driver.
package http

import "io"

type Header map[string][]string

func (h Header) Set(key, value string) {}
func (h Header) Add(key, value string) {}
func (h Header) Get(key string) string { return "" }

type Request struct {
	Method string
	Header Header
	Body   io.ReadCloser
}

type Response struct {
	StatusCode int
	Header     Header
	Body       io.ReadCloser
}

type RoundTripper interface {
	RoundTrip(*Request) (*Response, error)
}

type Client struct {
	Transport RoundTripper
}

func (c *Client) Do(req *Request) (*Response, error) { return nil, nil }
func (c *Client) Get(url string) (*Response, error)  { return nil, nil }
func (c *Client) Post(url, contentType string, body io.Reader) (*Response, error) {
	return nil, nil
}

var DefaultClient *Client

func NewRequest(method, url string, body io.Reader) (*Request, error) { return nil, nil }
func Get(url string) (*Response, error)                               { return nil, nil }
func Post(url, contentType string, body io.Reader) (*Response, error) { return nil, nil }
