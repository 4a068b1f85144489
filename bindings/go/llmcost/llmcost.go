// Package llmcost prices LLM gateway requests exactly and rolls their
// costs up by owner, through cgo bindings to libllmcost.
//
// Money is never a float: amounts are Money, a 128-bit count of 10^-18
// US dollars, with String, BigInt and Rat conversions.
//
// The package builds against an installed library found by pkg-config
// (llmcost.pc).  See docs/bindings.md for building against a build tree.
package llmcost

/*
#cgo pkg-config: llmcost
#include <stdlib.h>
#include <llmcost.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"sync"
	"unsafe"
)

// Version is the loaded library's version text.
func Version() string {
	return C.GoString(C.llmcost_version_string())
}

func init() {
	if int(C.llmcost_version())/10000 != VersionMajor {
		panic(fmt.Sprintf("llmcost: loaded libllmcost %s, these "+
			"bindings need major version %d", Version(),
			VersionMajor))
	}
}

// Error is a failure reported by the library: its status code, the
// code's name and the detail text.  errors.Is matches it against the
// Err* sentinels by code.
type Error struct {
	Code   int
	Name   string
	Detail string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Name
	}
	return e.Name + ": " + e.Detail
}

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

func sentinel(code int) *Error {
	return &Error{Code: code, Name: statusName(code)}
}

// Sentinels for errors.Is.
var (
	ErrInvalid  = sentinel(StatusEInvalid)
	ErrNoMem    = sentinel(StatusENomem)
	ErrIO       = sentinel(StatusEIo)
	ErrParse    = sentinel(StatusEParse)
	ErrRange    = sentinel(StatusERange)
	ErrInexact  = sentinel(StatusEInexact)
	ErrParts    = sentinel(StatusEParts)
	ErrNegative = sentinel(StatusENegative)
	ErrUnpriced = sentinel(StatusEUnpriced)
	ErrNoRate   = sentinel(StatusENorate)
	ErrNotFound = sentinel(StatusENotfound)
	ErrVersion  = sentinel(StatusEVersion)
	ErrSize     = sentinel(StatusESize)
	ErrOverflow = sentinel(StatusEOverflow)
	ErrType     = sentinel(StatusEType)
	ErrMissing  = sentinel(StatusEMissing)
	ErrConflict = sentinel(StatusEConflict)
	// ErrClosed is returned by a handle used after Close.
	ErrClosed = errors.New("llmcost: handle is closed")
)

// lastError builds the error for a failed call; it must run on the OS
// thread that made the call (the detail text is per thread).
func lastError(code C.int) error {
	return &Error{Code: int(code), Name: statusName(int(code)),
		Detail: C.GoString(C.llmcost_last_error())}
}

// call runs fn locked to one OS thread and turns a failure into an
// error carrying the thread's detail text.
func call(fn func() C.int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if rc := fn(); rc < 0 {
		return lastError(rc)
	}
	return nil
}

// Money is an exact amount: a two's complement 128-bit count of 10^-18
// US dollars (hi * 2^64 + lo).
type Money struct {
	hi int64
	lo uint64
}

func moneyOf(m C.llmcost_money) Money {
	return Money{hi: int64(m.hi), lo: uint64(m.lo)}
}

func (m Money) c() C.llmcost_money {
	return C.llmcost_money{hi: C.int64_t(m.hi), lo: C.uint64_t(m.lo)}
}

// String gives the amount in US dollars at full precision: "0.00725".
func (m Money) String() string {
	var buf [C.LLMCOST_MONEY_STRLEN]byte
	n := C.llmcost_money_format(m.c(), (*C.char)(unsafe.Pointer(&buf[0])),
		C.size_t(len(buf)))
	return string(buf[:n])
}

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.hi == 0 && m.lo == 0 }

// Units gives the amount as a count of 10^-18 USD.
func (m Money) Units() *big.Int {
	v := big.NewInt(m.hi)
	v.Lsh(v, 64)
	return v.Add(v, new(big.Int).SetUint64(m.lo))
}

var unitsPerUSD = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// Rat gives the amount in US dollars as an exact rational.
func (m Money) Rat() *big.Rat {
	return new(big.Rat).SetFrac(m.Units(), unitsPerUSD)
}

// Add returns m + o, or ErrOverflow.
func (m Money) Add(o Money) (Money, error) {
	var out C.llmcost_money
	err := call(func() C.int {
		return C.llmcost_money_add(m.c(), o.c(), &out)
	})
	return moneyOf(out), err
}

// ParseMoney reads decimal US dollars ("0.000225", "3e-06") exactly.
func ParseMoney(s string) (Money, error) {
	var out C.llmcost_money
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	err := call(func() C.int {
		return C.llmcost_money_parse(cs, C.size_t(len(s)), &out)
	})
	return moneyOf(out), err
}

// noNUL refuses a string that C would read only up to its first NUL, so
// that no name is silently cut short (what names it in the error).
func noNUL(what, s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return &Error{Code: StatusEInvalid,
				Name:   statusName(StatusEInvalid),
				Detail: fmt.Sprintf("%s holds a NUL byte at %d", what, i)}
		}
	}
	return nil
}

// cPath is C.CString for a file name, refusing one with a NUL; free it
// with C.free.
func cPath(path string) (*C.char, error) {
	if err := noNUL("file name", path); err != nil {
		return nil, err
	}
	return C.CString(path), nil
}

// handle holds a C pointer released once by Close.
type handle struct {
	once sync.Once
	mu   sync.RWMutex
	ptr  unsafe.Pointer
}

func (h *handle) close(free func(unsafe.Pointer)) {
	h.once.Do(func() {
		h.mu.Lock()
		free(h.ptr)
		h.ptr = nil
		h.mu.Unlock()
	})
}
