//! The rules of mother and child health: pregnancy, birth, postnatal care, family planning, immunisation, growth and nutrition (issue 5).
