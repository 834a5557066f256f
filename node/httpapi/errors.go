package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// Error kinds, as the "kind" of an error body. They match the CLI's --json
// kinds where both have one.
const (
	kindInvalid      = "invalid"
	kindNotFound     = "not_found"
	kindAmbiguous    = "ambiguous"
	kindUnauthorized = "unauthorized"
	kindForbidden    = "forbidden"
	kindTooLarge     = "too_large"
	kindMediaType    = "unsupported_media_type"
	kindBusy         = "busy"
	kindNetwork      = "network"
	kindTimeout      = "timeout"
	kindCorrupt      = "corrupt"
	kindInternal     = "error"
)

// inputError is a request the API refused before asking the node.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func invalidf(format string, a ...any) error { return &inputError{fmt.Sprintf(format, a...)} }

// classify maps an error to an HTTP status and an error kind.
func classify(err error) (int, string) {
	var ie *inputError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, kindTooLarge
	case errors.As(err, &ie), errors.Is(err, node.ErrInvalid), model.IsInputError(err):
		return http.StatusBadRequest, kindInvalid
	case errors.Is(err, node.ErrNotFound):
		return http.StatusNotFound, kindNotFound
	case errors.Is(err, node.ErrAmbiguous):
		return http.StatusConflict, kindAmbiguous
	case errors.Is(err, node.ErrBusy):
		return http.StatusServiceUnavailable, kindBusy
	case errors.Is(err, node.ErrNotServing):
		return http.StatusServiceUnavailable, kindNetwork
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, kindTimeout
	case errors.Is(err, node.ErrCorrupt):
		return http.StatusInternalServerError, kindCorrupt
	}
	return http.StatusInternalServerError, kindInternal
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError answers with err as {"error":{"kind","message"}}.
func writeError(w http.ResponseWriter, err error) {
	status, kind := classify(err)
	writeErrorKind(w, status, kind, err.Error())
}

func writeErrorKind(w http.ResponseWriter, status int, kind, msg string) {
	var b errorBody
	b.Error.Kind, b.Error.Message = kind, msg
	writeJSON(w, status, b)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v) // the client went away if this fails: nothing to tell it
}
