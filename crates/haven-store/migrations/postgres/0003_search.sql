-- The people search: listing by name when nothing was typed uses this index instead
-- of sorting every person; checking a person's other query words reads only this
-- index (person_id, token), never the table.
CREATE INDEX person_name_order ON person
    (family_name_latin, given_name_latin, family_name_km, given_name_km, id);
CREATE INDEX person_search_token_person_token ON person_search_token (person_id, token);
