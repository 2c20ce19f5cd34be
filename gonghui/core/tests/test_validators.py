import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from gonghui.core.validators import normalize_phone, validate_credit_code, validate_id_number

# GB 11643's own sample number and stdnum's documented example: real, valid numbers.
VALID_IDS = ["11010519491231002X", "360426199101010071"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers_pass_and_yield_birth_date_and_sex(number):
    rid = validate_id_number(number)
    assert rid.number == number
    assert rid.birth_date == ric.get_birth_date(number)
    assert rid.sex == ("M" if int(number[16]) % 2 else "F")


def test_id_number_is_normalised_lower_x_and_spaces():
    assert validate_id_number(" 110105 19491231 002x ").number == "11010519491231002X"


def test_sex_and_birth_date_are_derived():
    rid = validate_id_number("11010519491231002X")
    assert rid.birth_date == datetime.date(1949, 12, 31)
    assert rid.sex == "F"  # 17th digit 2 is even


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "checksum"),  # last digit wrong
        ("11010519491231002", "length"),
        ("1101051949123100XX", "format"),
        ("110105491231002", "legacy"),  # 15-digit legacy number: rejected on purpose
        ("", "required"),
    ],
)
def test_invalid_id_numbers_are_rejected_with_a_reason(number, code):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    assert exc.value.code == code


def _with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_future_birth_date_is_rejected_although_stdnum_accepts_it():
    number = _with_check("110105" + "20991231" + "002")
    assert ric.is_valid(number)  # stdnum's limit
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    assert exc.value.code == "birth_date"


def test_hong_kong_macau_taiwan_residence_permit_numbers_are_accepted():
    for prefix in ("810000", "820000", "830000"):
        number = _with_check(prefix + "19800101" + "001")
        assert not ric.is_valid(number)  # stdnum rejects them
        assert validate_id_number(number).hmt_resident


def test_area_code_that_came_into_use_after_birth_is_accepted():
    # 110119 延庆区 dates from 2015; someone born in 1980 registered there later.
    number = _with_check("110119" + "19800101" + "003")
    assert not ric.is_valid(number)  # stdnum rejects it by the birth year
    assert validate_id_number(number).number == number


def test_unknown_area_code_is_rejected():
    with pytest.raises(ValidationError) as exc:
        validate_id_number(_with_check("999999" + "19800101" + "003"))
    assert exc.value.code == "area"


@given(
    st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2008, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_any_single_digit_typo_is_caught(birth, seq):
    number = _with_check(f"110105{birth:%Y%m%d}{seq:03d}")
    assert validate_id_number(number).birth_date == birth
    typo_at = seq % 17
    wrong = str((int(number[typo_at]) + 1) % 10)
    typo = number[:typo_at] + wrong + number[typo_at + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(typo)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("008619912345678", "19912345678"),
    ],
)
def test_valid_mobile_numbers_are_normalised(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["12812345678", "1381234567", "138123456789", "abc", "", "010-12345678"]
)
def test_invalid_mobile_numbers_are_rejected(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_valid_credit_code_passes():
    assert validate_credit_code("9 1 110000 600037341l") == "91110000600037341L"


def test_credit_code_with_wrong_check_character_is_rejected():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91110000600037341M")
    assert exc.value.code == "checksum"


@pytest.mark.parametrize("bad", ["12345", "9111000060003734I1", ""])
def test_malformed_credit_codes_are_rejected(bad):
    with pytest.raises(ValidationError):
        validate_credit_code(bad)


@pytest.mark.parametrize("first", ["A", "N", "Y"])
def test_credit_codes_starting_with_a_letter_are_accepted_when_check_is_right(first):
    body = first + "1110000600037341"
    code = body + uscc.calc_check_digit(body)
    assert not uscc.is_valid(code)  # stdnum's limit
    assert validate_credit_code(code) == code
    wrong = "0" if code[-1] != "0" else "1"
    with pytest.raises(ValidationError):
        validate_credit_code(code[:-1] + wrong)


@pytest.mark.parametrize(
    "number",
    ["11010519491231002²", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "１１０１０５１９４９１２３１００２X"],
    ids=["superscript", "arabic-indic", "fullwidth"],
)
def test_id_numbers_in_other_digits_are_refused_not_a_500(number):
    """``str.isdigit`` takes "²" and other scripts' digits; the checks take ASCII only."""
    with pytest.raises(ValidationError) as refused:
        validate_id_number(number)
    assert refused.value.code in ("format", "length")


def test_ids_and_digit_checks_take_ascii_digits_only():
    from gonghui.core.bounds import is_digits, parse_id

    assert is_digits("2026") and not is_digits("²") and not is_digits("١٢") and not is_digits("")
    assert parse_id("7") == 7 and parse_id("²") is None and parse_id("١") is None
