CREATE TABLE "ban_adresses" (
	"load_id" integer NOT NULL,
	"id" text,
	"id_fantoir" text,
	"numero" text,
	"rep" text,
	"nom_voie" text,
	"code_postal" text,
	"code_insee" text,
	"nom_commune" text,
	"code_insee_ancienne_commune" text,
	"nom_ancienne_commune" text,
	"x" text,
	"y" text,
	"lon" text,
	"lat" text,
	"type_position" text,
	"alias" text,
	"nom_ld" text,
	"libelle_acheminement" text,
	"nom_afnor" text,
	"source_position" text,
	"source_nom_voie" text,
	"certification_commune" text,
	"cad_parcelles" text
);
--> statement-breakpoint
ALTER TABLE "commune_datasets" ADD COLUMN "hash" text;--> statement-breakpoint
CREATE INDEX "ban_adresses_load_commune" ON "ban_adresses" USING btree ("load_id","code_insee");