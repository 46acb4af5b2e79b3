"""ClientBase: cross-table references, row accounting and folder round trips."""

import pandas as pd
import pytest

from clientalytics import ClientBase, ValidationError


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
