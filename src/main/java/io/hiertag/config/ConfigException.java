package io.hiertag.config;

/** A setting that cannot be used; the message names the setting, the value and what to change. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String key, String value, String problem) {
        super("setting " + key + "='" + value + "': " + problem);
    }
}
