-- The llmcost ledger (docs/warehouse.md) as a ClickHouse table.
-- Load it with
--   clickhouse-client --date_time_input_format=best_effort
--       --query 'INSERT INTO llm_ledger FORMAT CSVWithNames' < ledger.csv
-- or, for JSON Lines, FORMAT JSONEachRow.  Money is exact:
-- Decimal(38, 18) holds every 10^-18 USD unit.
CREATE TABLE llm_ledger (
	source                   String,
	request_id               Nullable(String),
	status                   LowCardinality(String),
	reason                   Nullable(String),
	reason_code              LowCardinality(Nullable(String)),
	`timestamp`              Nullable(DateTime64(3, 'UTC')),
	team_id                  Nullable(String),
	user_id                  Nullable(String),
	feature_name             Nullable(String),
	provider                 LowCardinality(Nullable(String)),
	model                    Nullable(String),
	price_key                Nullable(String),
	match_rule               LowCardinality(Nullable(String)),
	input_tokens             Nullable(Int64),
	output_tokens            Nullable(Int64),
	cached_tokens            Nullable(Int64),
	cache_write_tokens       Nullable(Int64),
	cache_write_1h_tokens    Nullable(Int64),
	reasoning_tokens         Nullable(Int64),
	cost_usd                 Nullable(Decimal(38, 18)),
	list_cost_usd            Nullable(Decimal(38, 18)),
	contracted_cost_usd      Nullable(Decimal(38, 18)),
	effective_cost_usd       Nullable(Decimal(38, 18)),
	input_cost_usd           Nullable(Decimal(38, 18)),
	cache_read_cost_usd      Nullable(Decimal(38, 18)),
	cache_write_5m_cost_usd  Nullable(Decimal(38, 18)),
	cache_write_1h_cost_usd  Nullable(Decimal(38, 18)),
	output_cost_usd          Nullable(Decimal(38, 18)),
	reasoning_cost_usd       Nullable(Decimal(38, 18)),
	input_audio_cost_usd     Nullable(Decimal(38, 18)),
	input_image_cost_usd     Nullable(Decimal(38, 18)),
	input_video_cost_usd     Nullable(Decimal(38, 18)),
	output_audio_cost_usd    Nullable(Decimal(38, 18)),
	output_image_cost_usd    Nullable(Decimal(38, 18)),
	request_cost_usd         Nullable(Decimal(38, 18)),
	web_search_cost_usd      Nullable(Decimal(38, 18)),
	file_search_cost_usd     Nullable(Decimal(38, 18)),
	reported_cost_usd        Nullable(Decimal(38, 18)),
	flags                    Nullable(String),
	note                     Nullable(String),
	-- written with --tags only (null otherwise):
	tenant_id                Nullable(String),
	environment              Nullable(String),
	workflow_name            Nullable(String),
	team_id_raw              Nullable(String),
	user_id_raw              Nullable(String),
	feature_name_raw         Nullable(String),
	tenant_id_raw            Nullable(String),
	environment_raw          Nullable(String),
	workflow_name_raw        Nullable(String)
)
ENGINE = MergeTree
ORDER BY (status, source);
