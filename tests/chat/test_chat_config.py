from synthtalk_jupyter.config import DEFAULT_MODEL, Settings


def test_defaults_and_env(tmp_path):
    s = Settings.from_env(env={})
    assert s.model == DEFAULT_MODEL and not s.llm_configured and not s.tracing_configured
    s = Settings.from_env(env={"OPENAI_BASE_URL": "http://localhost:11434/v1", "SYNTHTALK_MODEL": "llama3.1",
                               "SYNTHTALK_TIMEOUT": "5", "LANGFUSE_PUBLIC_KEY": "pk", "LANGFUSE_SECRET_KEY": "sk"})
    assert s.llm_configured and s.model == "llama3.1" and s.timeout == 5.0 and s.tracing_configured


def test_env_file_does_not_override_environment(tmp_path):
    f = tmp_path / ".env"
    f.write_text("OPENAI_API_KEY=from-file\nSYNTHTALK_MODEL=file-model\n")
    s = Settings.from_env(env={"SYNTHTALK_MODEL": "env-model"}, env_file=f)
    assert s.api_key == "from-file" and s.model == "env-model"
    assert "from-file" not in repr(s)


def test_update_rejects_unknown():
    s = Settings()
    s.update(model="x", row_cap=5)
    assert s.model == "x" and s.row_cap == 5
    try:
        s.update(modle="y")
    except AttributeError as e:
        assert "modle" in str(e)
    else:
        raise AssertionError
