package main

import "context"

func contextWith(ctx context.Context, who owner) context.Context {
	return context.WithValue(ctx, ownerKey{}, who)
}
