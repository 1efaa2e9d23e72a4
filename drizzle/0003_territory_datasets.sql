CREATE TABLE "territory_datasets" (
	"load_id" integer NOT NULL,
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "territory_datasets_load_id_kind_code_pk" PRIMARY KEY("load_id","kind","code")
);
