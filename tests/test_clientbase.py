"""ClientBase: cross-table references, row accounting, folder round trips and folder I/O."""

import warnings

import pandas as pd
import pytest

from clientalytics import ClientBase, ValidationError
from clientalytics.clientbase import FAR_BEYOND_DAYS, build_client_base, parse_observation_end
from clientalytics.datasets import load_sample
from clientalytics.exceptions import DataQualityWarning


def _tables():
    clients = pd.DataFrame(
        {
            "client_id": ["a", "b", "c"],
            "name": ["Alfa", "Beta", "<b>Gamma</b>"],
            "manager_id": ["m1", "m1", "m9"],
        }
    )
    managers = pd.DataFrame({"manager_id": ["m1"], "role": ["farmer"]})
    transactions = pd.DataFrame(
        {
            "transaction_id": ["t1", "t2", "t3", "t4"],
            "client_id": ["a", "b", "zzz", "a"],
            "date": ["2024-01-01", "2024-01-05", "2024-01-06", "2024-02-01"],
            "revenue": [100.0, 50.0, 80.0, 20.0],
            "variable_cost": [60.0, 30.0, 50.0, 5.0],
        }
    )
    contracts = pd.DataFrame(
        {
            "contract_id": ["k1", "k2"],
            "client_id": ["a", "b"],
            "status": ["active", "expired"],
            "sent_date": ["2023-12-01", "2023-01-01"],
            "signed_date": ["2023-12-10", "2023-01-05"],
            "start_date": ["2024-01-01", "2023-01-10"],
            "expiry_date": ["2024-12-31", "2023-01-09"],
        }
    )
    return dict(clients=clients, managers=managers, transactions=transactions, contracts=contracts)


def test_lenient_base_rejects_unknown_references_and_accounts_for_every_row():
    base = ClientBase(**_tables(), mode="lenient")
    counts = base.row_counts
    assert (counts["rows_in"] == counts["kept"] + counts["rejected"]).all()
    rejected = base.rejections.set_index(["table", "row"])
    assert rejected.loc[("clients", 2), "reason"] == "unknown manager_id (not in managers)"
    assert rejected.loc[("transactions", 2), "reason"] == "unknown client_id (not in clients)"
    assert rejected.loc[("contracts", 1), "reason"] == "start_date on or after expiry_date"
    assert list(base.transactions["transaction_id"]) == ["t1", "t2", "t4"]
    assert base.observation_end == pd.Timestamp("2024-02-01")


def test_strict_base_raises_naming_each_problem():
    with pytest.raises(ValidationError, match=r"table 'transactions', column 'client_id': unknown"):
        ClientBase(**_tables())


def test_clients_derived_from_transactions_when_absent():
    tx = _tables()["transactions"]
    base = ClientBase(transactions=tx, observation_end="2024-03-01")
    assert sorted(base.clients["client_id"]) == ["a", "b", "zzz"]
    assert base.observation_end == pd.Timestamp("2024-03-01")


def test_folder_round_trip_csv_and_parquet(tmp_path):
    tables = _tables()
    tables["clients"] = tables["clients"].assign(manager_id=["m1", "m1", "m1"])
    tables["transactions"] = tables["transactions"].assign(client_id=["a", "b", "c", "a"])
    tables["contracts"] = tables["contracts"].iloc[:1]
    base = ClientBase(**tables)
    for fmt in ("csv", "parquet"):
        folder = tmp_path / fmt
        base.to_folder(folder, file_format=fmt)
        again = ClientBase.from_folder(folder)
        assert again.rejections.empty
        for name, frame in base.tables.items():
            pd.testing.assert_frame_equal(
                again.tables[name].reset_index(drop=True),
                frame.reset_index(drop=True),
                check_dtype=False,
            )


def test_ids_with_leading_zeros_survive_csv(tmp_path):
    pd.DataFrame(
        {
            "transaction_id": ["1"],
            "client_id": ["00042"],
            "date": ["2024-01-01"],
            "revenue": ["10.5"],
            "variable_cost": ["1"],
        }
    ).to_csv(tmp_path / "transactions.csv", index=False)
    base = ClientBase.from_folder(tmp_path)
    assert base.clients["client_id"].tolist() == ["00042"]


def test_bad_folders_raise_clearly(tmp_path):
    with pytest.raises(ValidationError, match="does not exist"):
        ClientBase.from_folder(tmp_path / "nope")
    with pytest.raises(ValidationError, match=r"no transactions\.csv"):
        ClientBase.from_folder(tmp_path)
    (tmp_path / "transactions.csv").write_bytes(b"\xff\xfe\x00garbage\x00")
    with pytest.raises(ValidationError, match=r"cannot read|missing required column"):
        ClientBase.from_folder(tmp_path)


# -------------------------------- folder I/O: nothing altered silently, nothing guessed, no crash


def _tx(dates, **extra):
    n = len(dates)
    frame = pd.DataFrame(
        {
            "transaction_id": [f"t{i}" for i in range(n)],
            "client_id": [f"c{i % 3}" for i in range(n)],
            "date": dates,
            "revenue": [100.0 + i for i in range(n)],
            "variable_cost": [10.0] * n,
        }
    )
    return frame.assign(**extra)


def _assert_accounted(base):
    counts = base.row_counts
    assert (counts["rows_in"] == counts["kept"] + counts["rejected"]).all()


# ---------------------------------------------------------------- date options
AMBIGUOUS = ["05.01.2024", "06.02.2024", "07.03.2024", "01.04.2024"]


def test_all_ambiguous_dates_raise_naming_table_column_and_option():
    with pytest.raises(ValidationError, match=r"table 'transactions', column 'date'") as info:
        ClientBase(transactions=_tx(AMBIGUOUS), mode="lenient")
    assert info.value.table == "transactions" and info.value.column == "date"
    assert "dayfirst" in str(info.value) and "'05.01.2024'" in str(info.value)


@pytest.mark.parametrize(
    "options",
    [
        {"dayfirst": True},
        {"date_format": "%d.%m.%Y"},
        {"date_format": {"date": "%d.%m.%Y"}},
        {"date_format": {"transactions.date": "%d.%m.%Y"}},
    ],
)
def test_date_options_reach_every_table(options):
    base = ClientBase(transactions=_tx(AMBIGUOUS), observation_end="2024-12-31", **options)
    assert base.transactions["date"].tolist() == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-02-06"),
        pd.Timestamp("2024-03-07"),
        pd.Timestamp("2024-04-01"),
    ]


def test_month_first_is_honoured_and_build_client_base_passes_options():
    base = build_client_base({"transactions": _tx(AMBIGUOUS)}, dayfirst=False)
    assert base.transactions["date"].iloc[0] == pd.Timestamp("2024-05-01")
    assert base.observation_end == pd.Timestamp("2024-07-03")


def test_a_date_format_key_that_names_no_date_column_raises():
    with pytest.raises(ValidationError, match=r"names no date column: \['transactions\.dat'\]"):
        ClientBase(transactions=_tx(AMBIGUOUS), date_format={"transactions.dat": "%d.%m.%Y"})


def test_folder_ambiguity_error_names_the_file(tmp_path):
    _tx(AMBIGUOUS).to_csv(tmp_path / "transactions.csv", index=False)
    with pytest.raises(ValidationError) as info:
        ClientBase.from_folder(tmp_path)
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'transactions.csv'}: ")
    assert "column 'date'" in message and "'05.01.2024'" in message and "dayfirst" in message
    assert (info.value.table, info.value.column) == ("transactions", "date")
    base = ClientBase.from_folder(tmp_path, date_format="%d.%m.%Y")
    assert base.transactions["date"].iloc[-1] == pd.Timestamp("2024-04-01")


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("2024-06-30", {}, "2024-06-30"),
        ("31.12.2024", {}, "2024-12-31"),
        ("12/31/2024", {}, "2024-12-31"),
        ("05.01.2024", {"dayfirst": True}, "2024-01-05"),
        ("05.01.2024", {"dayfirst": False}, "2024-05-01"),
        ("05.01.2024", {"date_format": "%d.%m.%Y"}, "2024-01-05"),
        ("03.03.2024", {}, "2024-03-03"),
    ],
)
def test_observation_end_text_is_read_without_guessing(text, options, expected):
    assert parse_observation_end(text, **options) == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("text", "match"), [("not-a-date", "not a date"), ("05.01.2024", "ambiguous")]
)
def test_bad_observation_end_raises(text, match):
    with pytest.raises(ValidationError, match=match):
        ClientBase(transactions=_tx(["2024-01-01"]), observation_end=text)


# ---------------------------------------------------------------- far-beyond dates
def _dates(start, n, step_days=3):
    return [str((pd.Timestamp(start) + pd.Timedelta(days=step_days * i)).date()) for i in range(n)]


def test_one_typo_years_ahead_is_rejected_and_never_the_end():
    dates = [*_dates("2019-01-01", 150), "2023-05-02"]  # the typo: 2023 for 2019/2020
    base = ClientBase(transactions=_tx(dates), mode="lenient")
    rejected = base.rejections
    assert rejected["row"].tolist() == [150]
    reason = rejected["reason"].iloc[0]
    assert f"more than {FAR_BEYOND_DAYS} days after every other event" in reason
    assert "latest other event 2020-03-23" in reason
    assert rejected["value"].iloc[0] == "2023-05-02"  # the source text
    assert base.observation_end == pd.Timestamp("2020-03-23")
    _assert_accounted(base)
    # The kept dates are exactly the source dates but the typo.
    assert base.transactions["date"].tolist() == [pd.Timestamp(d) for d in dates[:-1]]


def test_a_year_2099_typo_is_rejected_whatever_rule_catches_it():
    base = ClientBase(transactions=_tx([*_dates("2024-01-01", 40), "2099-01-01"]), mode="lenient")
    assert base.rejections["row"].tolist() == [40]
    assert base.observation_end == pd.Timestamp(_dates("2024-01-01", 40)[-1])


def test_an_explicit_observation_end_keeps_a_late_but_real_event():
    dates = [*_dates("2019-01-01", 150), "2023-05-02"]
    base = ClientBase(transactions=_tx(dates), observation_end="2023-12-31")
    assert len(base.transactions) == 151 and base.rejections.empty


def test_far_beyond_rule_does_not_fire_on_ordinary_data():
    # A quiet half year is not a typo.
    quiet = [*_dates("2022-01-01", 60), *_dates("2022-11-15", 60)]
    assert ClientBase(transactions=_tx(quiet)).observation_end == pd.Timestamp(quiet[-1])
    # Activity that resumes after a two-year pause is data, not a typo: too many rows.
    resumed = [*_dates("2018-01-01", 60), *_dates("2021-01-01", 30)]
    base = ClientBase(transactions=_tx(resumed))
    assert base.rejections.empty and base.observation_end == pd.Timestamp(resumed[-1])


def test_far_beyond_rule_does_not_fire_on_the_sample_company(tmp_path):
    sample = load_sample()
    sample.to_folder(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        base = ClientBase.from_folder(tmp_path, mode="strict")
    assert base.rejections.empty
    latest = max(
        sample.transactions["date"].max(),
        sample.touchpoints["timestamp"].max(),
        sample.requests["received_at"].max(),
        sample.surveys["surveyed_at"].max(),
    )
    assert base.observation_end >= latest


def test_far_beyond_survey_also_rejects_its_dimension_rows():
    tx = _tx(_dates("2019-01-01", 150))
    surveys = pd.DataFrame(
        {
            "response_id": ["r1", "r2"],
            "client_id": ["c0", "c1"],
            "surveyed_at": ["2019-06-01", "2023-06-01"],
        }
    )
    dims = pd.DataFrame(
        {
            "response_id": ["r1", "r2"],
            "dimension": ["speed", "speed"],
            "expected_score": [8.0, 9.0],
            "perceived_score": [7.0, 6.0],
        }
    )
    base = ClientBase(transactions=tx, surveys=surveys, survey_dimensions=dims, mode="lenient")
    assert base.surveys["response_id"].tolist() == ["r1"]
    assert base.survey_dimensions["response_id"].tolist() == ["r1"]
    reasons = base.rejections.set_index("table")["reason"]
    assert reasons["survey_dimensions"] == "unknown response_id (not in surveys)"
    _assert_accounted(base)


# ---------------------------------------------------------------- references
def test_self_references_are_checked_against_kept_rows_until_stable():
    clients = pd.DataFrame(
        {
            "client_id": ["a", "b", "c", "d", "e"],
            "manager_id": ["m1", "m9", "m1", "m1", "m1"],  # b has an unknown manager
            "referred_by": [None, None, "b", "c", "a"],  # c -> b (rejected), d -> c
        }
    )
    managers = pd.DataFrame({"manager_id": ["m1"], "role": ["farmer"]})
    contracts = pd.DataFrame(
        {
            "contract_id": ["k1", "k2", "k3"],
            "client_id": ["a", "a", "a"],
            "status": ["expired", "expired", "expired"],
            "sent_date": ["2022-12-01", "2023-05-01", "2023-06-01"],
            "signed_date": ["2023-01-01", "2023-06-01", "2023-07-01"],
            "start_date": ["2023-02-01", "2023-07-01", "2023-08-01"],
            "expiry_date": ["2023-01-15", "2023-12-31", "2023-12-31"],  # k1 ends before start
            "renewal_of": [None, "k1", "k2"],
        }
    )
    tx = _tx(["2024-01-01"] * 5).assign(client_id=["a", "b", "c", "d", "e"])
    base = ClientBase(
        clients=clients, managers=managers, contracts=contracts, transactions=tx, mode="lenient"
    )
    assert base.clients["client_id"].tolist() == ["a", "e"]
    assert base.contracts["contract_id"].tolist() == []
    rej = base.rejections
    by_row = dict(zip(zip(rej["table"], rej["row"], strict=True), rej["reason"], strict=True))
    assert by_row[("clients", 2)] == "unknown referred_by (not in clients)"
    assert by_row[("clients", 3)] == "unknown referred_by (not in clients)"
    assert by_row[("contracts", 1)] == "unknown renewal_of (not in contracts)"
    assert by_row[("contracts", 2)] == "unknown renewal_of (not in contracts)"
    assert base.transactions["client_id"].tolist() == ["a", "e"]
    _assert_accounted(base)


def test_references_to_a_table_not_supplied_are_kept_and_noted(tmp_path):
    tx = _tx(["2024-01-01", "2024-01-02", "2024-01-03"]).assign(
        manager_id=["m1", "m2", None], contract_id=["k1", None, None]
    )
    tx.to_csv(tmp_path / "transactions.csv", index=False)
    with pytest.warns(DataQualityWarning) as caught:
        base = ClientBase.from_folder(tmp_path)
    assert [str(w.message) for w in caught] == base.notes
    assert base.notes[0].startswith("transactions.manager_id: 2 value(s) refer to")
    assert base.rejections.empty and len(base.transactions) == 3
    assert base.transactions["manager_id"].tolist() == ["m1", "m2", None]
    assert len(base.notes) == 2
    assert "'managers', which was not supplied" in base.notes[0]
    assert "'contracts', which was not supplied" in base.notes[1]
    assert base.observation_end == pd.Timestamp("2024-01-03")


def test_references_to_a_supplied_table_are_still_checked():
    tx = _tx(["2024-01-01", "2024-01-02"]).assign(manager_id=["m1", "m2"])
    managers = pd.DataFrame({"manager_id": ["m1"]})
    base = ClientBase(transactions=tx, managers=managers, mode="lenient")
    assert base.transactions["manager_id"].tolist() == ["m1"]
    assert base.rejections["reason"].tolist() == ["unknown manager_id (not in managers)"]
    assert base.notes == []


def test_no_kept_transaction_raises_with_the_top_reasons():
    tx = _tx(["2024-01-01", "2024-01-02", "yesterday-ish"]).assign(revenue=["n/a", "?", "1"])
    with pytest.raises(ValidationError, match=r"none of the 3 row\(s\) was kept") as info:
        ClientBase(transactions=tx, mode="lenient")
    message = str(info.value)
    assert "column 'revenue': not a number (2 row(s)" in message
    assert "column 'date'" in message and info.value.table == "transactions"


# ---------------------------------------------------------------- reading files
def _write(path, text):
    path.write_bytes(text.encode("utf-8"))


HEADER = "transaction_id,client_id,date,revenue,variable_cost\n"


def test_duplicated_csv_column_names_raise_naming_file_and_column(tmp_path):
    _write(
        tmp_path / "transactions.csv",
        "transaction_id,client_id,date,revenue,revenue,variable_cost\nt1,a,2024-01-01,5,6,1\n",
    )
    with pytest.raises(ValidationError, match=r"\['revenue'\] appear more than once") as info:
        ClientBase.from_folder(tmp_path)
    assert str(tmp_path / "transactions.csv") in str(info.value)
    assert (info.value.table, info.value.column) == ("transactions", "revenue")


def test_a_nul_byte_rejects_the_row_instead_of_truncating_the_cell(tmp_path):
    _write(
        tmp_path / "transactions.csv",
        HEADER + "t1,a,2024-01-01,10,1\nt2,a\x00b,2024-01-02,20,2\nt3,b,2024-01-03,30,3\n",
    )
    base = ClientBase.from_folder(tmp_path)
    rejected = base.rejections
    tx_rejected = rejected[rejected["table"] == "transactions"]
    assert set(tx_rejected["row"]) == {1}
    assert "text contains a NUL byte" in set(tx_rejected["reason"])
    assert tx_rejected["value"].iloc[0] == "a\x00b"  # the whole cell reached the validator
    assert base.transactions["transaction_id"].tolist() == ["t1", "t3"]
    assert sorted(base.clients["client_id"]) == ["a", "b"]  # no truncated "a" from "a\0b"
    _assert_accounted(base)


def test_csv_and_parquet_of_one_table_are_refused(tmp_path):
    tx = _tx(["2024-01-01"])
    tx.to_csv(tmp_path / "transactions.csv", index=False)
    tx.to_parquet(tmp_path / "transactions.parquet", index=False)
    with pytest.raises(ValidationError, match=r"transactions\.csv and transactions\.parquet"):
        ClientBase.from_folder(tmp_path)


def test_unmatched_files_are_listed_and_sources_recorded(tmp_path):
    _tx(["2024-01-01"]).to_csv(tmp_path / "transactions.csv", index=False)
    pd.DataFrame({"client_id": ["c0"]}).to_parquet(tmp_path / "clients.parquet")
    for name in ("notes.pdf", "report.docx"):
        _write(tmp_path / name, "x\n")
    _write(tmp_path / ".hidden", "x\n")
    with pytest.warns(DataQualityWarning, match=r"2 file\(s\) are not table files") as caught:
        base = ClientBase.from_folder(tmp_path)
    message = str(caught[0].message)
    for name in ("notes.pdf", "report.docx"):
        assert name in message
    assert ".hidden" not in message
    assert base.sources == {
        "clients": tmp_path / "clients.parquet",
        "transactions": tmp_path / "transactions.csv",
    }
    assert base.notes == [message]


def test_a_table_file_that_matches_no_table_raises_naming_it(tmp_path):
    _tx(["2024-01-01"]).to_csv(tmp_path / "transactions.csv", index=False)
    _write(tmp_path / "notes.txt", "x,y\n1,2\n")
    with pytest.raises(ValidationError, match=r"notes\.txt.*matches no table"):
        ClientBase.from_folder(tmp_path)


def test_a_data_path_that_is_a_file_raises(tmp_path):
    _write(tmp_path / "transactions.csv", HEADER)
    with pytest.raises(ValidationError, match="is a file, not a folder"):
        ClientBase.from_folder(tmp_path / "transactions.csv")


# ---------------------------------------------------------------- CSV injection
TRICKY = [
    '=HYPERLINK("http://x")',
    "+7 495 123-45-67",
    "-minus",
    "@SUM(A1)",
    "'quoted",
    "''two",
    "plain",
]


def test_to_folder_neutralises_formulas_and_from_folder_restores_them(tmp_path):
    n = len(TRICKY)
    clients = pd.DataFrame(
        {
            "client_id": [f"c{i}" for i in range(n)],
            "name": TRICKY,
            "comment": ["\tleading tab", "\rcarriage", "-5", "ok", None, "=1+1", "x"],
        }
    )
    # The second order of c0 is a credit note: a negative number, never escaped.
    tx = _tx(_dates("2024-01-01", n)).assign(
        client_id=["c0", "c0", *clients["client_id"][2:]], revenue=[50.0, -20.0, *[100.0] * (n - 2)]
    )
    base = ClientBase(clients=clients, transactions=tx, observation_end="2024-12-31")
    written = base.to_folder(tmp_path)
    assert written["clients"] == tmp_path / "clients.csv"
    raw = pd.read_csv(tmp_path / "clients.csv", dtype=str, keep_default_na=False)
    assert raw["name"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+7 495 123-45-67",
        "'-minus",
        "'@SUM(A1)",
        "''quoted",
        "'''two",
        "plain",
    ]
    assert raw["comment"].tolist() == [
        "'\tleading tab",
        "'\rcarriage",
        "'-5",
        "ok",
        "",
        "'=1+1",
        "x",
    ]
    # Numbers are not touched: the credit note is written as a plain negative number.
    raw_tx = pd.read_csv(tmp_path / "transactions.csv", dtype=str)
    assert raw_tx["revenue"].tolist()[:2] == ["50.0", "-20.0"]
    again = ClientBase.from_folder(tmp_path, observation_end="2024-12-31")
    assert again.rejections.empty
    for name, frame in base.tables.items():
        pd.testing.assert_frame_equal(
            again.tables[name].reset_index(drop=True),
            frame.reset_index(drop=True),
            check_dtype=False,
        )
    assert again.clients["name"].tolist() == TRICKY


def test_a_user_file_with_a_plain_leading_quote_is_read_unchanged(tmp_path):
    _write(tmp_path / "transactions.csv", HEADER + "'t1,'abc,2024-01-01,10,1\n")
    base = ClientBase.from_folder(tmp_path)
    assert base.transactions["transaction_id"].tolist() == ["'t1"]
    assert base.transactions["client_id"].tolist() == ["'abc"]


def test_to_folder_refuses_to_make_a_folder_ambiguous(tmp_path):
    base = ClientBase(transactions=_tx(["2024-01-01"]))
    base.to_folder(tmp_path, file_format="parquet")
    with pytest.raises(FileExistsError, match="ambiguous"):
        base.to_folder(tmp_path, file_format="csv")
    assert not (tmp_path / "transactions.csv").exists()
