#!/bin/bash
# docker-compose's broker: the official apache/kafka image with the same access rules as the
# embedded stack (access module's KafkaSecurity): SASL/SCRAM-SHA-256 on the client listeners,
# SASL/PLAIN for the broker on the controller listener, StandardAuthorizer, nothing allowed without
# an ACL. Passwords come from the environment (docker compose --env-file .promptengine/credentials.env);
# the admin's SCRAM credential is created when the storage is formatted, the services' ones by
# the kafka-access container (kafka-access.sh).
set -euo pipefail
for variable in PE_KAFKA_ADMIN_PASSWORD PE_KAFKA_BROKER_PASSWORD; do
    if [[ -z ${!variable:-} ]]; then
        echo "kafka: $variable is empty; run bin/promptengine credentials and docker compose --env-file .promptengine/credentials.env up" >&2
        exit 1
    fi
done
umask 077
CONFIG=/tmp/server.properties
SCRAM_ADMIN="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$PE_KAFKA_ADMIN_PASSWORD\";"
cat >"$CONFIG" <<PROPERTIES
process.roles=broker,controller
node.id=1
# services in the network use kafka:29092; programs on the host use localhost:9092
listeners=INTERNAL://:29092,HOST://:9092,CONTROLLER://:9093
advertised.listeners=INTERNAL://kafka:29092,HOST://localhost:9092
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,HOST:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=kafka:9093
inter.broker.listener.name=INTERNAL
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256
listener.name.internal.sasl.enabled.mechanisms=SCRAM-SHA-256
listener.name.internal.scram-sha-256.sasl.jaas.config=$SCRAM_ADMIN
listener.name.host.sasl.enabled.mechanisms=SCRAM-SHA-256
listener.name.host.scram-sha-256.sasl.jaas.config=$SCRAM_ADMIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="$PE_KAFKA_BROKER_PASSWORD" user_broker="$PE_KAFKA_BROKER_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:broker
allow.everyone.if.no.acl.found=false
log.dirs=/var/lib/kafka/data
# the services create every topic they use; a typo must not create one
auto.create.topics.enable=false
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES
/opt/kafka/bin/kafka-storage.sh format --standalone --ignore-formatted -t "${CLUSTER_ID:-cHJvbXB0ZW5naW5lLWxvYw}" \
    -c "$CONFIG" --add-scram "SCRAM-SHA-256=[name=admin,password=$PE_KAFKA_ADMIN_PASSWORD]"
exec /opt/kafka/bin/kafka-server-start.sh "$CONFIG"
