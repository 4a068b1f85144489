package llmcost

/*
#include <stdlib.h>
#include <llmcost.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Tags maps raw tag values to a canonical vocabulary.  Build it from one
// goroutine; the first Lookup freezes it, and lookups are then safe from
// many goroutines.
type Tags struct{ h handle }

// NewTags returns an empty vocabulary, loaded from config (JSON, see
// docs/tags.md) when config is not nil.
func NewTags(config []byte) (*Tags, error) {
	var p *C.llmcost_tags
	if err := call(func() C.int { return C.llmcost_tags_new(&p) }); err != nil {
		return nil, err
	}
	t := &Tags{}
	t.h.ptr = unsafe.Pointer(p)
	runtime.SetFinalizer(t, (*Tags).Close)
	if config != nil {
		err := call(func() C.int {
			b, n := cbytes(config)
			return C.llmcost_tags_load_json(p, b, n)
		})
		runtime.KeepAlive(config)
		if err != nil {
			t.Close()
			return nil, err
		}
	}
	return t, nil
}

// Close releases the vocabulary; later calls are no-ops.
func (t *Tags) Close() error {
	t.h.close(func(ptr unsafe.Pointer) {
		C.llmcost_tags_free((*C.llmcost_tags)(ptr))
	})
	return nil
}

func tagDim(dim string) (C.int, error) {
	cs := C.CString(dim)
	defer C.free(unsafe.Pointer(cs))
	d := C.llmcost_tag_dim_from_name(cs)
	if d < 0 {
		return 0, &Error{Code: int(d), Name: statusName(int(d)),
			Detail: "unknown tag dimension " + dim}
	}
	return d, nil
}

// Add adds a canonical value and its aliases to dimension dim ("team",
// "feature", ...).
func (t *Tags) Add(dim, canonical string, aliases ...string) error {
	d, err := tagDim(dim)
	if err == nil {
		err = noNUL("canonical value", canonical)
	}
	for _, a := range aliases {
		if err == nil {
			err = noNUL("alias", a)
		}
	}
	if err != nil || t.h.ptr == nil {
		return firstErr(err, ErrClosed)
	}
	p := (*C.llmcost_tags)(t.h.ptr)
	cc := C.CString(canonical)
	defer C.free(unsafe.Pointer(cc))
	if err := call(func() C.int { return C.llmcost_tags_add(p, d, cc) }); err != nil {
		return err
	}
	for _, a := range aliases {
		ca := C.CString(a)
		err := call(func() C.int {
			return C.llmcost_tags_add_alias(p, d, cc, ca)
		})
		C.free(unsafe.Pointer(ca))
		if err != nil {
			return err
		}
	}
	return nil
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// Tag is the result of a lookup.
type Tag struct {
	Value   string // what to attribute the request to
	Key     string // the raw value's folded key
	Outcome string // "missing", "empty", "canonical", "alias", "unmapped"
	Flags   uint32 // TagBadUtf8, TagNul, ...
}

// Lookup maps a raw value of dimension dim.
func (t *Tags) Lookup(dim, raw string) (Tag, error) {
	d, err := tagDim(dim)
	if err != nil || t.h.ptr == nil {
		return Tag{}, firstErr(err, ErrClosed)
	}
	var tag C.llmcost_tag
	C.llmcost_tag_init(&tag)
	b := []byte(raw)
	err = call(func() C.int {
		p, n := cbytes(b)
		if p == nil {
			p = (*C.char)(unsafe.Pointer(&tag.key[0]))
		}
		return C.llmcost_tags_lookup((*C.llmcost_tags)(t.h.ptr), d, p, n,
			&tag)
	})
	if err != nil {
		return Tag{}, err
	}
	return Tag{Value: C.GoString(&tag.value[0]),
		Key:     C.GoString(&tag.key[0]),
		Outcome: C.GoString(C.llmcost_tag_outcome_name(C.int(tag.outcome))),
		Flags:   uint32(tag.flags)}, nil
}
