module llmcost.dev/go

go 1.21
