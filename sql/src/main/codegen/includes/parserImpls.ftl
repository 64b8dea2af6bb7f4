<#--
  Quiver's productions for Calcite's Parser.jj template, wired in by config.fmpp.
  Action code is read by JavaCC 4.0, which only knows Java 5: no diamonds, lambdas or var.
-->

/** Parses an optional IF NOT EXISTS; IF is not reserved, so look past it before committing. */
boolean QuiverIfNotExists() :
{
}
{
    LOOKAHEAD(3) <IF> <NOT> <EXISTS> { return true; }
|
    { return false; }
}

/** Parses an optional IF EXISTS; IF is not reserved, so look past it before committing. */
boolean QuiverIfExists() :
{
}
{
    LOOKAHEAD(2) <IF> <EXISTS> { return true; }
|
    { return false; }
}

/** Rejects CREATE OR REPLACE: Quiver does not silently drop a table's rows or an index. */
JAVACODE void quiverRejectReplace(Span s, boolean replace, String object)
{
    if (replace) {
        throw SqlUtil.newContextException(s.end(this),
            QuiverParserResource.RESOURCE.orReplaceNotSupported(object));
    }
}

/** Parses the type VECTOR(n); the range of n is checked when the DDL executes. */
SqlTypeNameSpec QuiverVectorTypeName() :
{
    final Span s;
    final int dimension;
}
{
    <VECTOR> { s = span(); }
    <LPAREN> dimension = UnsignedIntLiteral() <RPAREN>
    {
        return new SqlVectorTypeNameSpec(dimension, s.end(this));
    }
}

/** Parses WITH (key = value, ...). */
SqlNodeList QuiverOptions() :
{
    final SqlNodeList list;
}
{
    <WITH> list = QuiverOptionList() { return list; }
}

/** Parses (key = value, ...), as WITH and ALTER TABLE ... SET give options. */
SqlNodeList QuiverOptionList() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
    SqlOption option;
}
{
    <LPAREN> { s = span(); }
    option = QuiverOption() { list.add(option); }
    (
        <COMMA> option = QuiverOption() { list.add(option); }
    )*
    <RPAREN>
    {
        return new SqlNodeList(list, s.end(this));
    }
}

/** Parses key = value, the value being a number, a string, TRUE, FALSE or a bare word. */
SqlOption QuiverOption() :
{
    final SqlIdentifier key;
    final SqlNode value;
    final String text;
}
{
    key = SimpleIdentifier()
    <EQ>
    (
        value = NumericLiteral()
    |
        text = SimpleStringLiteral() {
            value = SqlLiteral.createCharString(text, getPos());
        }
    |
        <TRUE> { value = SqlLiteral.createBoolean(true, getPos()); }
    |
        <FALSE> { value = SqlLiteral.createBoolean(false, getPos()); }
    |
        value = SimpleIdentifier()
    |
        // Reserved words that are documented option values (quantization = none | binary).
        ( <NONE> | <BINARY> ) {
            value = new SqlIdentifier(unquotedIdentifier(), getPos());
        }
    )
    {
        return new SqlOption(Span.of(key, value).pos(), key, value);
    }
}

/**
 * Parses a column definition or a PRIMARY KEY (...) constraint. The key columns of either form
 * go to primaryKey; a second key of any form is an error.
 */
void QuiverTableElement(List<SqlNode> columns, List<SqlNode> primaryKey) :
{
    final SqlIdentifier name;
    final SqlDataTypeSpec type;
    final SqlNodeList keyColumns;
    Boolean nullable = null;
    Span s;
}
{
    <PRIMARY> { s = span(); } <KEY>
    keyColumns = ParenthesizedSimpleIdentifierList() {
        if (!primaryKey.isEmpty()) {
            throw SqlUtil.newContextException(s.end(this),
                QuiverParserResource.RESOURCE.primaryKeyAlreadyDeclared());
        }
        primaryKey.addAll(keyColumns.getList());
    }
|
    name = SimpleIdentifier()
    type = DataType()
    (
        (
            <NOT> { s = span(); } <NULL> {
                if (nullable != null) {
                    throw SqlUtil.newContextException(s.end(this),
                        QuiverParserResource.RESOURCE.nullabilityAlreadyDeclared(name.getSimple()));
                }
                nullable = Boolean.FALSE;
            }
        |
            <NULL> {
                if (nullable != null) {
                    throw SqlUtil.newContextException(getPos(),
                        QuiverParserResource.RESOURCE.nullabilityAlreadyDeclared(name.getSimple()));
                }
                nullable = Boolean.TRUE;
            }
        |
            <PRIMARY> { s = span(); } <KEY> {
                if (!primaryKey.isEmpty()) {
                    throw SqlUtil.newContextException(s.end(this),
                        QuiverParserResource.RESOURCE.primaryKeyAlreadyDeclared());
                }
                primaryKey.add(name);
            }
        )
    )*
    {
        final boolean notNull = Boolean.FALSE.equals(nullable);
        columns.add(
            SqlDdlNodes.column(Span.of(name).end(this), name,
                type.withNullable(!notNull),
                null,
                notNull ? ColumnStrategy.NOT_NULLABLE : ColumnStrategy.NULLABLE));
    }
}

/** Parses the part of CREATE TABLE after CREATE. */
SqlCreate QuiverCreateTable(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final Span columnsSpan;
    final List<SqlNode> columns = new ArrayList<SqlNode>();
    final List<SqlNode> primaryKey = new ArrayList<SqlNode>();
    SqlNodeList optionList = SqlNodeList.EMPTY;
}
{
    <TABLE> { quiverRejectReplace(s, replace, "TABLE"); }
    ifNotExists = QuiverIfNotExists()
    name = CompoundIdentifier()
    <LPAREN> { columnsSpan = span(); }
    QuiverTableElement(columns, primaryKey)
    (
        <COMMA> QuiverTableElement(columns, primaryKey)
    )*
    <RPAREN>
    [ optionList = QuiverOptions() ]
    {
        return new SqlCreateQuiverTable(s.end(this), ifNotExists, name,
            new SqlNodeList(columns, columnsSpan.end(this)),
            new SqlNodeList(primaryKey, Span.of(primaryKey).pos()),
            optionList);
    }
}

/** Parses the part of CREATE INDEX after CREATE. */
SqlCreate QuiverCreateIndex(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final SqlIdentifier table;
    SqlIdentifier method = null;
    final SqlNodeList columns;
    SqlNodeList optionList = SqlNodeList.EMPTY;
}
{
    <INDEX> { quiverRejectReplace(s, replace, "INDEX"); }
    ifNotExists = QuiverIfNotExists()
    name = SimpleIdentifier()
    <ON> table = CompoundIdentifier()
    [ <USING> method = SimpleIdentifier() ]
    columns = ParenthesizedSimpleIdentifierList()
    [ optionList = QuiverOptions() ]
    {
        return new SqlCreateVectorIndex(s.end(this), ifNotExists, name, table, method, columns,
            optionList);
    }
}

/** Parses the part of DROP TABLE after DROP. */
SqlDrop QuiverDropTable(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <TABLE> ifExists = QuiverIfExists() name = CompoundIdentifier()
    {
        return SqlDdlNodes.dropTable(s.end(this), ifExists, name);
    }
}

/** Parses FLUSH TABLE name. */
SqlNode QuiverFlushTable() :
{
    final Span s;
    final SqlIdentifier name;
}
{
    <FLUSH> { s = span(); } <TABLE> name = CompoundIdentifier()
    {
        return new SqlFlushTable(s.end(this), name);
    }
}

/** Parses COMPACT TABLE name [MINOR | MAJOR | FULL] [WAIT]. */
SqlNode QuiverCompactTable() :
{
    final Span s;
    final SqlIdentifier name;
    String type = null;
    boolean await = false;
}
{
    <COMPACT> { s = span(); } <TABLE> name = CompoundIdentifier()
    [
        <MINOR> { type = "MINOR"; }
    |
        <MAJOR> { type = "MAJOR"; }
    |
        <FULL> { type = "FULL"; }
    ]
    [ <WAIT> { await = true; } ]
    {
        return new SqlCompactTable(s.end(this), name, type, await);
    }
}

/** Parses ALTER TABLE [IF EXISTS] name SET (key = value, ...) or RESET (key, ...). */
SqlNode QuiverAlterTable() :
{
    final Span s;
    final boolean ifExists;
    final SqlIdentifier name;
    SqlNodeList set = SqlNodeList.EMPTY;
    SqlNodeList reset = SqlNodeList.EMPTY;
}
{
    <ALTER> { s = span(); } <TABLE>
    ifExists = QuiverIfExists()
    name = CompoundIdentifier()
    (
        <SET> set = QuiverOptionList()
    |
        <RESET> reset = ParenthesizedSimpleIdentifierList()
    )
    {
        return new SqlAlterTableOptions(s.end(this), ifExists, name, set, reset);
    }
}

/**
 * Parses SET CONSISTENCY LEVEL level and RESET CONSISTENCY LEVEL as the connection setting
 * consistency_level, which SET consistency_level = level also sets.
 */
SqlNode QuiverConsistencyLevel() :
{
    final Span s;
    SqlNode value = null;
    final String text;
}
{
    (
        <SET> { s = span(); } <CONSISTENCY> <LEVEL>
        (
            value = SimpleIdentifier()
        |
            text = SimpleStringLiteral() {
                value = SqlLiteral.createCharString(text, getPos());
            }
        )
    |
        <RESET> { s = span(); } <CONSISTENCY> <LEVEL>
    )
    {
        return new SqlSetOption(s.end(this), null,
            new SqlIdentifier("consistency_level", s.pos()), value);
    }
}

/** Parses the part of DROP INDEX after DROP. */
SqlDrop QuiverDropIndex(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <INDEX> ifExists = QuiverIfExists() name = SimpleIdentifier()
    {
        return new SqlDropVectorIndex(s.end(this), ifExists, name);
    }
}

/**
 * Parses a pgvector distance operator and its right operand into the operator list that
 * Expression2 hands to the precedence parser; the operator's precedence places it between
 * the comparisons and + and -.
 */
void AddVectorDistanceExpression(List<Object> list, ExprContext exprContext, Span s) :
{
    final SqlOperator op;
}
{
    (
        <L2_DISTANCE_OPERATOR> { op = VectorOperators.L2_DISTANCE_INFIX; }
    |
        <COSINE_DISTANCE_OPERATOR> { op = VectorOperators.COSINE_DISTANCE_INFIX; }
    |
        <NEGATIVE_INNER_PRODUCT_OPERATOR> { op = VectorOperators.NEGATIVE_INNER_PRODUCT_INFIX; }
    )
    {
        checkNonQueryExpression(exprContext);
        list.add(new SqlParserUtil.ToTreeListItem(op, getPos()));
    }
    AddExpression2b(list, ExprContext.ACCEPT_SUB_QUERY)
}
