DROP INDEX "ban_adresses_load_commune";--> statement-breakpoint
CREATE INDEX "ban_adresses_load_commune" ON "ban_adresses" USING btree ("load_id","code_insee","id");