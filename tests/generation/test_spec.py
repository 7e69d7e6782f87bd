import json

import pytest

from synthtalk_jupyter.errors import SpecError
from synthtalk_jupyter.generation.spec import ColumnSpec, GenerationSpec
from synthtalk_jupyter.schema.parse import parse_ddl

DDL = """
CREATE TABLE customer (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, country CHAR(2), age INT,
                       rating VARCHAR(10), status VARCHAR(8) CHECK (status IN ('new', 'gold')));
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customer(id), total DECIMAL(10,2));
"""


@pytest.fixture(scope="module")
def schema():
    return parse_ddl(DDL, dialect="postgres")


def test_load_json_and_yaml(tmp_path, schema):
    data = {"tables": {"customer": {"rows": 10, "columns": {"country": {"values": ["FR", "DE"], "weights": [1, 3]}}}}}
    pj = tmp_path / "s.json"
    pj.write_text(json.dumps(data))
    py = tmp_path / "s.yaml"
    py.write_text("tables:\n  customer:\n    rows: 10\n    columns:\n      country: {values: [FR, DE], weights: [1, 3]}\n")
    a, b = GenerationSpec.load(pj), GenerationSpec.load(py)
    assert a == b == GenerationSpec.from_dict(data)
    assert a.model_dump()["tables"]["customer"]["rows"] == 10
    assert GenerationSpec.from_dict(a.model_dump()) == a
    assert a.table("CUSTOMER").rows == 10
    assert a.column("customer", None, "COUNTRY").weights == [1, 3]
    assert a.check(schema) == []


@pytest.mark.parametrize("bad,needle", [
    ({"tables": {"customer": {"rows": -1}}}, "rows"),
    ({"tables": {"customer": {"columns": {"age": {"weights": [1]}}}}}, "weights given without values"),
    ({"tables": {"customer": {"columns": {"age": {"values": [1, 2], "weights": [1]}}}}}, "1 weights for 2 values"),
    ({"tables": {"customer": {"columns": {"age": {"null_ratio": 1.5}}}}}, "null_ratio"),
    ({"tables": {"customer": {"columns": {"age": {"distribution": "banana"}}}}}, "distribution"),
    ({"tables": {"customer": {"columns": {"name": {"pattern": "[A-Z"}}}}}, "unclosed ["),
    ({"tables": {"customer": {"columns": {"name": {"pattern": "x", "values": ["a"]}}}}}, "only one of"),
    ({"tables": {"customer": {"colums": {}}}}, "colums"),
])
def test_invalid_specs(bad, needle):
    with pytest.raises(SpecError) as e:
        GenerationSpec.from_dict(bad)
    assert needle in str(e.value)


def test_bad_files(tmp_path):
    with pytest.raises(SpecError, match="cannot read"):
        GenerationSpec.load(tmp_path / "missing.yaml")
    p = tmp_path / "x.json"
    p.write_text("{nope")
    with pytest.raises(SpecError, match="not valid JSON"):
        GenerationSpec.load(p)
    p = tmp_path / "x.yaml"
    p.write_text("- just\n- a list\n")
    with pytest.raises(SpecError, match="mapping"):
        GenerationSpec.load(p)


@pytest.mark.parametrize("spec,table,column", [
    ({"tables": {"nope": {"rows": 3}}}, "nope", None),
    ({"tables": {"customer": {"columns": {"nope": {"null_ratio": 0.1}}}}}, "customer", "nope"),
    ({"tables": {"orders": {"columns": {"customer_id": {"values": [1]}}}}}, "orders", "customer_id"),
    ({"tables": {"customer": {"columns": {"id": {"min": 5}}}}}, "customer", "id"),
    ({"tables": {"customer": {"columns": {"age": {"min": 9, "max": 3}}}}}, "customer", "age"),
    ({"tables": {"customer": {"columns": {"name": {"min": 1}}}}}, "customer", "name"),
    ({"tables": {"customer": {"columns": {"age": {"pattern": "[0-9]"}}}}}, "customer", "age"),
    ({"tables": {"customer": {"columns": {"age": {"sql": "nope + 1"}}}}}, "customer", "age"),
    ({"tables": {"customer": {"columns": {"age": {"sql": "age + 1"}}}}}, "customer", "age"),
    ({"tables": {"customer": {"columns": {"age": {"sql": "SELECT 1"}}}}}, "customer", "age"),
])
def test_spec_errors_name_table_and_column(schema, spec, table, column):
    with pytest.raises(SpecError) as e:
        GenerationSpec.from_dict(spec).check(schema)
    assert e.value.table == table
    assert e.value.column == column
    assert table in str(e.value)


def test_null_ratio_on_not_null_is_a_notice(schema):
    notes = GenerationSpec.from_dict({"tables": {"customer": {"columns": {"name": {"null_ratio": 0.2}}}}}).check(schema)
    assert notes and "NOT NULL" in notes[0]


def test_column_spec_defaults():
    cs = ColumnSpec()
    assert cs.values is None and cs.params == {} and cs.unique is None
