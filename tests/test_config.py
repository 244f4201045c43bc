"""The served app's Streamlit settings: no error details or developer menu for users, local map files."""
import tomllib

from streamlit import config as st_config

from etl.config import ROOT


def settings() -> dict:
    raw = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return {f"{section}.{key}": value for section, options in raw.items() for key, value in options.items()}


def test_every_setting_is_one_streamlit_knows():
    st_config.get_config_options()
    assert set(settings()) <= set(st_config._config_options), set(settings()) - set(st_config._config_options)


def test_users_see_no_error_details_and_no_developer_menu():
    values = settings()
    assert values["client.showErrorDetails"] == st_config.ShowErrorDetailsConfigOptions.NONE.value
    assert values["client.toolbarMode"] == "minimal"
    assert values["server.enableStaticServing"] is True
