/**
 * Quiver's SQL parser extension: the AST nodes of its DDL, the {@code VECTOR(n)} type and the
 * pgvector distance operators. The parser itself, {@code
 * dev.quiver.sql.parser.impl.QuiverSqlParserImpl}, is generated at build time from Calcite's
 * grammar template and {@code src/main/codegen}.
 */
package dev.quiver.sql.parser;
