# The environment: one instance per replica, and the endpoint the deploy rolls out to.
variable "env_name" {
  type = string
}
variable "replicas" {
  type = number
}
resource "terraform_data" "instance" {
  count = var.replicas
  input = "${var.env_name}-${count.index}"
}
output "endpoint" {
  value = "https://${var.env_name}.widget.internal"
}
output "instances" {
  value = terraform_data.instance[*].output
}
