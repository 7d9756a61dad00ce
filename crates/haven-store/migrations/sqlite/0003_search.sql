-- The people search: listing by name when nothing was typed uses this index instead
-- of sorting every person. (person_search_token_person already covers the token on
-- SQLite: an index on a WITHOUT ROWID table holds the primary key's columns.)
CREATE INDEX person_name_order ON person
    (family_name_latin, given_name_latin, family_name_km, given_name_km, id);
