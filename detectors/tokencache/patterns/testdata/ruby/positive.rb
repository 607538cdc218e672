require "net/http"

class GithubApp
  @@installation_token = nil

  def self.installation_token
    @@installation_token ||= Octokit::Client.new(bearer_token: jwt).create_app_installation_access_token(ID)[:token] # want: code/token-cache-outlives-ttl
  end

  class << self
    def access_token
      @access_token ||= fetch_access_token # want: code/token-cache-outlives-ttl
    end
  end

  def self.bearer_token
    @bearer_token ||= begin # want: code/token-cache-outlives-ttl
      response = Net::HTTP.post_form(URI(TOKEN_URL), grant_type: "client_credentials")
      JSON.parse(response.body)["access_token"]
    end
  end
end

class SalesforceClient
  include Singleton

  def token
    @token ||= authenticate_and_get_token # want: code/token-cache-outlives-ttl
  end
end
