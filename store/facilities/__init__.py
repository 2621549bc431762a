"""Facilities: the device register, IoT readings over MQTT, alerts, commands, interactive-device usage and
network coverage surveys (F1 网络通信设施, F5 智能运维设施, C3 互动体验)."""
