CREATE TABLE "cog_communes" (
	"load_id" integer NOT NULL,
	"code" text NOT NULL,
	"type" text NOT NULL,
	"nom" text NOT NULL,
	"departement" text NOT NULL,
	"region" text NOT NULL,
	"epci" text,
	"siren" text,
	"codes_postaux" text[] NOT NULL,
	"population" integer,
	"zone" text,
	"parent" text,
	CONSTRAINT "cog_communes_load_id_code_type_pk" PRIMARY KEY("load_id","code","type")
);
--> statement-breakpoint
CREATE TABLE "cog_departements" (
	"load_id" integer NOT NULL,
	"code" text NOT NULL,
	"nom" text NOT NULL,
	"region" text NOT NULL,
	"chef_lieu" text,
	"zone" text,
	CONSTRAINT "cog_departements_load_id_code_pk" PRIMARY KEY("load_id","code")
);
--> statement-breakpoint
CREATE TABLE "cog_epci" (
	"load_id" integer NOT NULL,
	"code" text NOT NULL,
	"nom" text NOT NULL,
	"type" text NOT NULL,
	"population" integer,
	"membres" text[] NOT NULL,
	CONSTRAINT "cog_epci_load_id_code_pk" PRIMARY KEY("load_id","code")
);
--> statement-breakpoint
CREATE TABLE "cog_history" (
	"load_id" integer NOT NULL,
	"ancien_code" text NOT NULL,
	"ancien_nom" text NOT NULL,
	"nouveau_code" text NOT NULL,
	"nouveau_nom" text NOT NULL,
	"date" text,
	"mod" integer
);
--> statement-breakpoint
CREATE TABLE "cog_regions" (
	"load_id" integer NOT NULL,
	"code" text NOT NULL,
	"nom" text NOT NULL,
	"chef_lieu" text,
	"zone" text,
	CONSTRAINT "cog_regions_load_id_code_pk" PRIMARY KEY("load_id","code")
);
--> statement-breakpoint
CREATE TABLE "commune_datasets" (
	"load_id" integer NOT NULL,
	"code" text NOT NULL,
	"data" jsonb NOT NULL,
	"rows" jsonb,
	"features" jsonb,
	CONSTRAINT "commune_datasets_load_id_code_pk" PRIMARY KEY("load_id","code")
);
--> statement-breakpoint
CREATE TABLE "current_release" (
	"singleton" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"release_id" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "current_release_singleton" CHECK ("current_release"."singleton" = 1)
);
--> statement-breakpoint
CREATE TABLE "loads" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_id" text NOT NULL,
	"millesime" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"provenance" jsonb NOT NULL,
	"stats" jsonb NOT NULL,
	"fields" jsonb,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "release_sources" (
	"release_id" text NOT NULL,
	"source_id" text NOT NULL,
	"load_id" integer NOT NULL,
	CONSTRAINT "release_sources_release_id_source_id_pk" PRIMARY KEY("release_id","source_id")
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"id" text PRIMARY KEY NOT NULL,
	"parent_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"summary" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "current_release" ADD CONSTRAINT "current_release_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_sources" ADD CONSTRAINT "release_sources_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_sources" ADD CONSTRAINT "release_sources_load_id_loads_id_fk" FOREIGN KEY ("load_id") REFERENCES "public"."loads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cog_history_load" ON "cog_history" USING btree ("load_id");