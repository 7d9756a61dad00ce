//! Tests of the pages and API of mother and child health: pregnancy, birth, postnatal care, family planning, immunisation, growth and nutrition (issue 5).
