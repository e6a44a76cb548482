package dev.promptengine.cost.pricing;

import java.sql.SQLException;
import java.util.List;
import org.postgresql.util.PGobject;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.jdbc.core.convert.JdbcCustomConversions;

/** What Spring Data JDBC cannot map by itself: {@code jsonb} columns (history rows). */
@Configuration(proxyBeanMethods = false)
class PricingJdbcConfiguration {

    @Bean
    JdbcCustomConversions jdbcCustomConversions() {
        return new JdbcCustomConversions(List.of(new JsonToJsonb(), new JsonbToJson()));
    }

    @WritingConverter
    static final class JsonToJsonb implements Converter<JsonDocument, PGobject> {
        @Override
        public PGobject convert(JsonDocument document) {
            var value = new PGobject();
            value.setType("jsonb");
            try {
                value.setValue(document.json());
            } catch (SQLException e) {
                throw new IllegalArgumentException(e);
            }
            return value;
        }
    }

    @ReadingConverter
    static final class JsonbToJson implements Converter<PGobject, JsonDocument> {
        @Override
        public JsonDocument convert(PGobject value) {
            return value.getValue() == null ? null : new JsonDocument(value.getValue());
        }
    }
}
