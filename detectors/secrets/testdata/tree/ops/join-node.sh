#!/bin/sh
# Joins a worker to the cluster.
kubeadm join 10.0.0.10:6443 --token {{gen:k8s-token}} --discovery-token-unsafe-skip-ca-verification  # want: secret/kubernetes-bootstrap-token
# kubeadm's documentation example is no secret:
kubeadm join 10.0.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification
